// Plain C++ micro-kernel (any CPU). Same tile as the AVX2 one so the packing is shared.
#include "cpu/isa_kernels.h"

namespace ys::cpu {

void microKernelScalar6x16(int kc, const float* a, const float* b, float* c, int ldc, int accumulate) {
  constexpr int MR = 6, NR = 16;
  // One row at a time: its 16 sums fit in SSE registers (a 6x16 block would spill), and B is
  // re-read from L1. Each sum still runs over k in order, as in the vector kernels.
  for (int i = 0; i < MR; ++i) {
    float sum[NR] = {};
    for (int k = 0; k < kc; ++k) {
      const float ai = a[k * MR + i];
      const float* bk = b + k * NR;
      for (int j = 0; j < NR; ++j) sum[j] += ai * bk[j];
    }
    float* ci = c + i * ldc;
    if (accumulate) {
      for (int j = 0; j < NR; ++j) ci[j] += sum[j];
    } else {
      for (int j = 0; j < NR; ++j) ci[j] = sum[j];
    }
  }
}

}  // namespace ys::cpu
