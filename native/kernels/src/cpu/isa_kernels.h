// GEMM micro-kernels: C[MR x NR] (+)= A_panel . B_panel over kc steps.
//   a: kc x MR floats (packed, MR consecutive per step), b: kc x NR floats (packed),
//   c: MR rows with leading dimension ldc. accumulate != 0: c += sum, else c = sum, where
//   sum is accumulated from zero in step order (the same order in every ISA, so the FMA
//   paths agree bit for bit and differ from the scalar path by rounding only).
// Each ISA lives in its own translation unit compiled for it; these are plain functions of
// pointers so no inline STL code is ever compiled for an ISA the CPU may lack.
#pragma once

#include "ys/isa.h"

namespace ys::cpu {

using MicroKernelFn = void (*)(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);

struct MicroKernel {
  Isa isa;
  int mr;
  int nr;
  MicroKernelFn run;
};

/** The micro-kernel of a concrete, available ISA (throws Unsupported otherwise). */
const MicroKernel& microKernelFor(Isa isa);

void microKernelScalar6x16(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
#if defined(YS_HAVE_AVX2)
void microKernelAvx2_6x16(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
#endif
#if defined(YS_HAVE_AVX512)
void microKernelAvx512_12x32(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
#endif

}  // namespace ys::cpu
