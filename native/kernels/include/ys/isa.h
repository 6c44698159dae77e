// CPU code paths of the conv GEMM, chosen at run time (cpuid via __builtin_cpu_supports).
#pragma once

#include <cstdint>

namespace ys {

/** Auto picks the best the CPU supports: Avx512 (avx512f) > Avx2 (avx2 + fma) > Scalar. */
enum class Isa : std::uint8_t { Auto, Scalar, Avx2, Avx512 };

const char* isaName(Isa isa) noexcept;  // "auto", "scalar", "avx2", "avx512"
/** Compiled into this build and supported by this CPU. Scalar always is. */
bool isaAvailable(Isa isa) noexcept;
/** Auto resolved to a concrete ISA; a concrete one returned as is. */
Isa resolveIsa(Isa isa) noexcept;

}  // namespace ys
