// The activations' backward, one element at a time: written once for the CPU kernels (every
// ISA path) and their CUDA twins (YS_HD), so the CPU tests exercise the very functions the GPU
// runs. Plain IEEE arithmetic only, no libm: the CPU loops vectorise, and with contraction off
// (CPU: -ffp-contract=off; CUDA: -fmad=false) every path computes the same floats.
//
// Internal linkage on purpose (YS_ELEMENTWISE is `static inline`): these functions are compiled
// into translation units built for different ISAs (-mavx2, -mavx512f); with external linkage
// the linker could keep one ISA's out-of-line copy for every caller.
#pragma once

#include <cstdint>
#include <cstring>

#include "hd.h"

#define YS_ELEMENTWISE static inline YS_HD

namespace ys::common {

YS_ELEMENTWISE float floatFromBits(std::int32_t bits) {
#if defined(__CUDA_ARCH__)
  return __int_as_float(bits);
#else
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
#endif
}

/** e^x for x in [-87, 88] (callers clamp): Cephes' expf, Cody-Waite reduction by ln 2 and a
 *  degree-5 polynomial, within 2 ulp; the power of two is built from its bits. */
YS_ELEMENTWISE float expClamped(float x) {
  // round(x / ln 2) by the float rounding of adding 1.5 * 2^23 (|x / ln 2| < 2^22).
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * r * r + r + 1.0f;
  return e * floatFromBits((std::int32_t(n) + 127) << 23);
}

/** mish'(x) = tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x), sp = softplus(x) = log(1 + e^x).
 *  With u = e^x and q = u (u + 2) = (1 + u)^2 - 1: tanh(sp) = q / (q + 2) and
 *  1 - tanh(sp)^2 = 4 (q + 1) / (q + 2)^2 (no cancellation near 1). Above 20 (darknet's
 *  softplus threshold) it is 1, below -87 (where e^x leaves float's normal range) 0, both
 *  within float rounding of the true value. */
YS_ELEMENTWISE float mishDerivative(float x) {
  const float xc = x > 20.0f ? 20.0f : (x < -87.0f ? -87.0f : x);
  const float u = expClamped(xc);
  const float q = u * (u + 2.0f);
  const float d = q + 2.0f;
  const float t = q / d;
  const float oneMinusT2 = 4.0f * (q + 1.0f) / (d * d);
  const float s = u / (1.0f + u);
  const float grad = t + xc * oneMinusT2 * s;
  return x > 20.0f ? 1.0f : (x < -87.0f ? 0.0f : grad);
}

/** swish'(x) = s + x s (1 - s), s = sigmoid(x), from u = e^-|x| (never overflows). Beyond
 *  |x| = 87 it is 1 (x > 0) or 0 (x < 0), within float rounding of the true value. */
YS_ELEMENTWISE float swishDerivative(float x) {
  const float a = x < 0.0f ? -x : x;
  const float u = expClamped(a > 87.0f ? -87.0f : -a);
  const float inv = 1.0f / (1.0f + u);
  const float s = x >= 0.0f ? inv : u * inv;
  const float oneMinusS = x >= 0.0f ? u * inv : inv;
  const float grad = s + x * s * oneMinusS;
  return x > 87.0f ? 1.0f : (x < -87.0f ? 0.0f : grad);
}

/** A rectifier's g_in from g_out and its derivative, under the guided rule or plainly:
 *  guided max(g, 0) * f'(x) * [x > 0], plain g * f'(x). */
YS_ELEMENTWISE float rectifierGradient(bool guided, float g, float x, float derivative) {
  const bool open = (g > 0.0f) & (x > 0.0f);  // `&`, not `&&`: no branch, so the loops vectorise
  return guided ? (open ? g * derivative : 0.0f) : g * derivative;
}

YS_ELEMENTWISE float mishGradient(bool guided, float g, float x) { return rectifierGradient(guided, g, x, mishDerivative(x)); }
YS_ELEMENTWISE float swishGradient(bool guided, float g, float x) { return rectifierGradient(guided, g, x, swishDerivative(x)); }

/** Leaky (slope alpha) and relu from the sign byte of the input (1 = x > 0). */
YS_ELEMENTWISE float leakyGradient(bool guided, float g, std::uint8_t sign, float alpha) {
  return guided ? (sign && g > 0.0f ? g : 0.0f) : (sign ? g : g * alpha);
}
YS_ELEMENTWISE float reluGradient(bool guided, float g, std::uint8_t sign) {
  return guided ? (sign && g > 0.0f ? g : 0.0f) : (sign ? g : 0.0f);
}

/** Logistic from its output s (differentiated plainly under every rule). */
YS_ELEMENTWISE float logisticGradient(float g, float s) { return g * (s * (1.0f - s)); }

}  // namespace ys::common
