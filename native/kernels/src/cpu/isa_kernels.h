// The kernels compiled once per ISA: each ISA's in its own translation units built for it
// (-mavx2 -mfma, -mavx512f -mfma), called only after a run-time CPU check (isa.cpp). They are
// plain functions of pointers so no inline STL code is ever compiled for an ISA the CPU may lack.
//
// GEMM micro-kernel: C[MR x NR] (+)= A_panel . B_panel over kc steps.
//   a: kc x MR floats (packed, MR consecutive per step), b: kc x NR floats (packed),
//   c: MR rows with leading dimension ldc. accumulate != 0: c += sum, else c = sum, where
//   sum is accumulated from zero in step order (the same order in every ISA, so the FMA
//   paths agree bit for bit and differ from the scalar path by rounding only).
// Depthwise row: out[i] (+)= sum over taps t (in order, from zero) of w[t] * src[t][i], for i
//   in [0, width); each src[t] readable up to width rounded up to kDepthwiseLanes. FMA on the
//   vector paths (bit for bit equal), multiply-then-add on the scalar one.
// Smooth rectifier backward (mish, swish): dx[i] (+)= the shared elementwise function
//   (common/activation_math.h) of g[i], x[i]; the same floats on every path.
#pragma once

#include <cstdint>

#include "ys/isa.h"

namespace ys::cpu {

using MicroKernelFn = void (*)(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
using DepthwiseRowFn = void (*)(int taps, const float* const* src, const float* w, int width, float* out, int accumulate);
enum class SmoothRectifier { Mish, Swish };
using SmoothRectifierFn = void (*)(SmoothRectifier kind, int guided, std::int64_t count, const float* g, const float* x,
                                   float* dx, int accumulate);

/** The widest vector of any path: depthwise source rows are padded to a multiple of it. */
constexpr int kDepthwiseLanes = 16;

struct IsaKernels {
  Isa isa;
  int mr;
  int nr;
  MicroKernelFn gemm;
  DepthwiseRowFn depthwiseRow;
  SmoothRectifierFn smoothRectifier;
};

/** The kernels of a concrete, available ISA, or of the best available for Auto (throws
 *  Unsupported otherwise). */
const IsaKernels& kernelsFor(Isa isa);

void microKernelScalar6x16(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
void depthwiseRowScalar(int taps, const float* const* src, const float* w, int width, float* out, int accumulate);
void smoothRectifierScalar(SmoothRectifier kind, int guided, std::int64_t count, const float* g, const float* x,
                           float* dx, int accumulate);
#if defined(YS_HAVE_AVX2)
void microKernelAvx2_6x16(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
void depthwiseRowAvx2(int taps, const float* const* src, const float* w, int width, float* out, int accumulate);
void smoothRectifierAvx2(SmoothRectifier kind, int guided, std::int64_t count, const float* g, const float* x,
                         float* dx, int accumulate);
#endif
#if defined(YS_HAVE_AVX512)
void microKernelAvx512_12x32(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
void depthwiseRowAvx512(int taps, const float* const* src, const float* w, int width, float* out, int accumulate);
void smoothRectifierAvx512(SmoothRectifier kind, int guided, std::int64_t count, const float* g, const float* x,
                           float* dx, int accumulate);
#endif

}  // namespace ys::cpu
