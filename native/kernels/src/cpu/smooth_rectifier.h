// The loop of the smooth rectifiers' backward (mish, swish), compiled once per ISA by
// smooth_rectifier_<isa>.cpp: the shared elementwise function (common/activation_math.h) over
// flat arrays, branch-free so the compiler vectorises it for the ISA of the translation unit.
// Internal linkage (an unnamed namespace in a header, on purpose): each ISA's unit keeps its
// own copy. Those units are compiled with -ffp-contract=off (every path computes the same
// floats) and -fno-trapping-math (the selects become blends: the loop vectorises).
#pragma once

#include <cstdint>

#include "common/activation_math.h"
#include "cpu/isa_kernels.h"

namespace ys::cpu {
namespace {

template <bool Guided, bool Accumulate>
inline void smoothRectifierLoop(SmoothRectifier kind, std::int64_t count, const float* __restrict g,
                                const float* __restrict x, float* __restrict dx) {
  if (kind == SmoothRectifier::Mish) {
    for (std::int64_t i = 0; i < count; ++i) {
      const float v = common::mishGradient(Guided, g[i], x[i]);
      dx[i] = Accumulate ? dx[i] + v : v;
    }
  } else {
    for (std::int64_t i = 0; i < count; ++i) {
      const float v = common::swishGradient(Guided, g[i], x[i]);
      dx[i] = Accumulate ? dx[i] + v : v;
    }
  }
}

inline void smoothRectifierBody(SmoothRectifier kind, int guided, std::int64_t count, const float* g, const float* x,
                                float* dx, int accumulate) {
  if (guided) {
    if (accumulate) smoothRectifierLoop<true, true>(kind, count, g, x, dx);
    else smoothRectifierLoop<true, false>(kind, count, g, x, dx);
  } else {
    if (accumulate) smoothRectifierLoop<false, true>(kind, count, g, x, dx);
    else smoothRectifierLoop<false, false>(kind, count, g, x, dx);
  }
}

}  // namespace
}  // namespace ys::cpu
