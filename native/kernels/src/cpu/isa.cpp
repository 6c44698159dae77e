// Run-time ISA selection: cpuid through __builtin_cpu_supports (GCC/Clang on x86-64). The
// table below is the only place that names the code paths and the features they need.
#include "ys/isa.h"

#include <string>

#include "cpu/isa_kernels.h"
#include "ys/status.h"

namespace ys {

namespace {

struct IsaEntry {
  Isa isa;
  const char* name;
  const char* features;  // comma-separated __builtin_cpu_supports names
  bool compiled;
};

constexpr IsaEntry kIsas[] = {
    {Isa::Auto, "auto", "", true},
    {Isa::Scalar, "scalar", "", true},
#if defined(YS_HAVE_AVX2)
    {Isa::Avx2, "avx2", "avx2,fma", true},
#else
    {Isa::Avx2, "avx2", "avx2,fma", false},
#endif
#if defined(YS_HAVE_AVX512)
    {Isa::Avx512, "avx512", "avx512f,fma", true},
#else
    {Isa::Avx512, "avx512", "avx512f,fma", false},
#endif
};

const IsaEntry& entry(Isa isa) noexcept {
  for (const IsaEntry& e : kIsas) {
    if (e.isa == isa) return e;
  }
  return kIsas[0];
}

/** One feature name the CPU reports; only names used in kIsas are asked for. */
bool cpuHas(const std::string& feature) noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  // __builtin_cpu_supports needs a string literal.
  if (feature == "avx2") return __builtin_cpu_supports("avx2");
  if (feature == "fma") return __builtin_cpu_supports("fma");
  if (feature == "avx512f") return __builtin_cpu_supports("avx512f");
#endif
  (void)feature;
  return false;
}

/** Calls f(feature) for each name of a comma-separated list until f returns false. */
template <typename F>
void forEachFeature(const char* features, F f) {
  const std::string list = features;
  for (std::size_t start = 0; start < list.size();) {
    const std::size_t comma = list.find(',', start);
    const std::size_t end = comma == std::string::npos ? list.size() : comma;
    if (!f(list.substr(start, end - start))) return;
    start = end + 1;
  }
}

/** The first feature of a comma-separated list the CPU lacks; "" when it has them all. */
std::string firstMissing(const char* features) {
  std::string missing;
  forEachFeature(features, [&](const std::string& feature) {
    if (!cpuHas(feature)) missing = feature;
    return missing.empty();
  });
  return missing;
}

}  // namespace

const char* isaName(Isa isa) noexcept { return entry(isa).name; }

bool parseIsa(const std::string& name, Isa& out) noexcept {
  for (const IsaEntry& e : kIsas) {
    if (name == e.name) {
      out = e.isa;
      return true;
    }
  }
  return false;
}

const std::vector<Isa>& allIsas() noexcept {
  static const std::vector<Isa> all = {Isa::Scalar, Isa::Avx2, Isa::Avx512};
  return all;
}

const char* isaFeatures(Isa isa) noexcept { return entry(isa).features; }

bool isaCompiled(Isa isa) noexcept { return entry(isa).compiled; }

bool isaAvailable(Isa isa) noexcept {
  const IsaEntry& e = entry(isa);
  if (!e.compiled) return false;
  try {
    return firstMissing(e.features).empty();
  } catch (...) {
    return false;
  }
}

std::string isaUnavailableReason(Isa isa) {
  const IsaEntry& e = entry(isa);
  if (!e.compiled) return std::string("this build has no ") + e.name + " code (it needs GCC or Clang on x86-64)";
  const std::string missing = firstMissing(e.features);
  return missing.empty() ? "" : "this CPU lacks " + missing;
}

Isa resolveIsa(Isa isa) noexcept {
  if (isa != Isa::Auto) return isa;
  const auto& all = allIsas();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (isaAvailable(*it)) return *it;
  }
  return Isa::Scalar;
}

std::string cpuFeaturesDetected() {
  std::string out;
  for (const IsaEntry& e : kIsas) {
    forEachFeature(e.features, [&](const std::string& feature) {
      const bool listed = ("," + out + ",").find("," + feature + ",") != std::string::npos;
      if (!listed && cpuHas(feature)) out += (out.empty() ? "" : ",") + feature;
      return true;
    });
  }
  return out;
}

namespace cpu {

const IsaKernels& kernelsFor(Isa requested) {
  static const IsaKernels scalar{Isa::Scalar, 6, 16, microKernelScalar6x16, depthwiseRowScalar, smoothRectifierScalar};
#if defined(YS_HAVE_AVX2)
  static const IsaKernels avx2{Isa::Avx2, 6, 16, microKernelAvx2_6x16, depthwiseRowAvx2, smoothRectifierAvx2};
#endif
#if defined(YS_HAVE_AVX512)
  static const IsaKernels avx512{Isa::Avx512, 12, 32, microKernelAvx512_12x32, depthwiseRowAvx512, smoothRectifierAvx512};
#endif
  const Isa isa = resolveIsa(requested);
  if (!isaAvailable(isa)) {
    throw Error(ErrorCode::Unsupported,
                std::string("cpu kernels: the ") + isaName(isa) + " code path is not available: " + isaUnavailableReason(isa));
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
