// Run-time ISA selection: cpuid through __builtin_cpu_supports (GCC/Clang on x86-64).
#include "ys/isa.h"

#include <string>

#include "cpu/micro_kernel.h"
#include "ys/status.h"

namespace ys {

const char* isaName(Isa isa) noexcept {
  switch (isa) {
    case Isa::Auto: return "auto";
    case Isa::Scalar: return "scalar";
    case Isa::Avx2: return "avx2";
    case Isa::Avx512: return "avx512";
  }
  return "?";
}

bool isaAvailable(Isa isa) noexcept {
  switch (isa) {
    case Isa::Auto:
    case Isa::Scalar:
      return true;
    case Isa::Avx2:
#if defined(YS_HAVE_AVX2)
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
      return false;
#endif
    case Isa::Avx512:
#if defined(YS_HAVE_AVX512)
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#else
      return false;
#endif
  }
  return false;
}

Isa resolveIsa(Isa isa) noexcept {
  if (isa != Isa::Auto) return isa;
  if (isaAvailable(Isa::Avx512)) return Isa::Avx512;
  if (isaAvailable(Isa::Avx2)) return Isa::Avx2;
  return Isa::Scalar;
}

namespace cpu {

const MicroKernel& microKernelFor(Isa requested) {
  static const MicroKernel scalar{Isa::Scalar, 6, 16, microKernelScalar6x16};
#if defined(YS_HAVE_AVX2)
  static const MicroKernel avx2{Isa::Avx2, 6, 16, microKernelAvx2_6x16};
#endif
#if defined(YS_HAVE_AVX512)
  static const MicroKernel avx512{Isa::Avx512, 12, 32, microKernelAvx512_12x32};
#endif
  const Isa isa = resolveIsa(requested);
  if (!isaAvailable(isa)) {
    throw Error(ErrorCode::Unsupported,
                std::string("cpu kernels: the ") + isaName(isa) + " code path is not available on this CPU/build");
  }
  switch (isa) {
#if defined(YS_HAVE_AVX2)
    case Isa::Avx2: return avx2;
#endif
#if defined(YS_HAVE_AVX512)
    case Isa::Avx512: return avx512;
#endif
    default: return scalar;
  }
}

}  // namespace cpu
}  // namespace ys
