// CPU code paths of the conv GEMM, chosen at run time (cpuid via __builtin_cpu_supports).
//
// The names "scalar", "avx2" and "avx512" are the one list of code-path names: build info,
// Model::device(), error messages and the binding's `isa` option all use isaName / parseIsa
// (src/cpu/isa.cpp holds the table, with the CPU features each path needs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ys {

/** Auto picks the best the CPU supports: Avx512 (avx512f + fma) > Avx2 (avx2 + fma) > Scalar. */
enum class Isa : std::uint8_t { Auto, Scalar, Avx2, Avx512 };

/** "auto", "scalar", "avx2", "avx512". */
const char* isaName(Isa isa) noexcept;
/** The inverse of isaName; false for any other text. */
bool parseIsa(const std::string& name, Isa& out) noexcept;
/** The concrete code paths in increasing preference: Scalar, Avx2, Avx512. */
const std::vector<Isa>& allIsas() noexcept;
/** CPU features a code path needs, as __builtin_cpu_supports names them ("avx512f,fma"). */
const char* isaFeatures(Isa isa) noexcept;
/** Compiled into this build (x86-64 with GCC or Clang for the vector paths). */
bool isaCompiled(Isa isa) noexcept;
/** Compiled into this build and supported by this CPU. Scalar and Auto always are. */
bool isaAvailable(Isa isa) noexcept;
/** Why isaAvailable(isa) is false, in a few words ("this CPU lacks avx512f"); "" when it is true. */
std::string isaUnavailableReason(Isa isa);
/** Auto resolved to a concrete ISA; a concrete one returned as is. */
Isa resolveIsa(Isa isa) noexcept;
/** Among the features any code path needs, those this CPU has, comma-separated ("avx2,fma"). */
std::string cpuFeaturesDetected();

}  // namespace ys
