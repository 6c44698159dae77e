// Depthwise conv backward, one dx row, AVX-512F: 16 lanes, four independent accumulators per
// step (a tap chain is latency-bound otherwise); the tail is masked. Each element's sum is the
// same FMA chain as on the AVX2 path, so the two agree bit for bit. Compiled with -mavx512f -mfma.
#include <immintrin.h>

#include "cpu/isa_kernels.h"

namespace ys::cpu {

void depthwiseRowAvx512(int taps, const float* const* src, const float* w, int width, float* out, int accumulate) {
  int i = 0;
  for (; i + 64 <= width; i += 64) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
    for (int t = 0; t < taps; ++t) {
      const __m512 wt = _mm512_set1_ps(w[t]);
      const float* s = src[t] + i;
      a0 = _mm512_fmadd_ps(wt, _mm512_loadu_ps(s), a0);
      a1 = _mm512_fmadd_ps(wt, _mm512_loadu_ps(s + 16), a1);
      a2 = _mm512_fmadd_ps(wt, _mm512_loadu_ps(s + 32), a2);
      a3 = _mm512_fmadd_ps(wt, _mm512_loadu_ps(s + 48), a3);
    }
    if (accumulate) {
      a0 = _mm512_add_ps(_mm512_loadu_ps(out + i), a0);
      a1 = _mm512_add_ps(_mm512_loadu_ps(out + i + 16), a1);
      a2 = _mm512_add_ps(_mm512_loadu_ps(out + i + 32), a2);
      a3 = _mm512_add_ps(_mm512_loadu_ps(out + i + 48), a3);
    }
    _mm512_storeu_ps(out + i, a0);
    _mm512_storeu_ps(out + i + 16, a1);
    _mm512_storeu_ps(out + i + 32, a2);
    _mm512_storeu_ps(out + i + 48, a3);
  }
  for (; i < width; i += 16) {
    const int rest = width - i;
    const __mmask16 mask = rest >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << rest) - 1u);
    __m512 acc = _mm512_setzero_ps();
    for (int t = 0; t < taps; ++t) acc = _mm512_fmadd_ps(_mm512_set1_ps(w[t]), _mm512_loadu_ps(src[t] + i), acc);
    if (accumulate) acc = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, out + i), acc);
    _mm512_mask_storeu_ps(out + i, mask, acc);
  }
}

}  // namespace ys::cpu
