// Depthwise conv backward, one dx row, plain C++ (any CPU): multiply then add, so it agrees with
// the FMA paths to float32 rounding.
#include "cpu/isa_kernels.h"

namespace ys::cpu {

void depthwiseRowScalar(int taps, const float* const* src, const float* w, int width, float* out, int accumulate) {
  for (int i = 0; i < width; ++i) {
    float acc = 0.0f;
    for (int t = 0; t < taps; ++t) acc += w[t] * src[t][i];
    out[i] = accumulate ? out[i] + acc : acc;
  }
}

}  // namespace ys::cpu
