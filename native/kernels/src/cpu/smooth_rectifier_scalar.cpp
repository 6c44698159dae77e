// Mish and swish backward, plain C++ (any CPU), with -ffp-contract=off (smooth_rectifier.h).
#include "cpu/smooth_rectifier.h"

namespace ys::cpu {

void smoothRectifierScalar(SmoothRectifier kind, int guided, std::int64_t count, const float* g, const float* x, float* dx,
                          int accumulate) {
  smoothRectifierBody(kind, guided, count, g, x, dx, accumulate);
}

}  // namespace ys::cpu
