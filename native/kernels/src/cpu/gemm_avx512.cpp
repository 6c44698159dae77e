// AVX-512F micro-kernel, 12 x 32: 24 accumulators, 2 B vectors and 1 broadcast = 27 of the
// 32 zmm registers. Compiled with -mavx512f -mfma; called only when the CPU has avx512f.
#include <immintrin.h>

#include "cpu/isa_kernels.h"

namespace ys::cpu {

void microKernelAvx512_12x32(int kc, const float* a, const float* b, float* c, int ldc, int accumulate) {
  constexpr int MR = 12;
  __m512 acc[MR][2];
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int k = 0; k < kc; ++k) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
    // Fully unrolled by the compiler (MR is a constant): acc stays in registers.
    for (int i = 0; i < MR; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += MR;
    b += 32;
  }
  for (int i = 0; i < MR; ++i) {
    float* ci = c + i * ldc;
    __m512 r0 = acc[i][0], r1 = acc[i][1];
    if (accumulate) {
      r0 = _mm512_add_ps(_mm512_loadu_ps(ci), r0);
      r1 = _mm512_add_ps(_mm512_loadu_ps(ci + 16), r1);
    }
    _mm512_storeu_ps(ci, r0);
    _mm512_storeu_ps(ci + 16, r1);
  }
}

}  // namespace ys::cpu
