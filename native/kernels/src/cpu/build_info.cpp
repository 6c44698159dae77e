#include "ys/build_info.h"

#include <string>
#include <thread>

#include "ys/isa.h"

namespace ys {

namespace {
std::string compilerName() {
#if defined(__clang__)
  return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  return "GCC " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
         std::to_string(__GNUC_PATCHLEVEL__);
#elif defined(_MSC_VER)
  return "MSVC " + std::to_string(_MSC_VER);
#else
  return "unknown";
#endif
}

std::string detectedFeatures() {
  std::string out;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  const char* names[] = {"sse4.2", "avx", "avx2", "fma", "avx512f"};
  const bool has[] = {bool(__builtin_cpu_supports("sse4.2")), bool(__builtin_cpu_supports("avx")),
                      bool(__builtin_cpu_supports("avx2")), bool(__builtin_cpu_supports("fma")),
                      bool(__builtin_cpu_supports("avx512f"))};
  for (int i = 0; i < 5; ++i) {
    if (has[i]) out += (out.empty() ? "" : ",") + std::string(names[i]);
  }
#endif
  return out;
}
}  // namespace

BuildInfo buildInfo() {
  BuildInfo info;
  info.version = "0.1.0";
  info.compiler = compilerName();
  info.cpuFeaturesDetected = detectedFeatures();
  const Isa isa = resolveIsa(Isa::Auto);
  info.cpuFeaturesUsed = isa == Isa::Avx512 ? "avx512f,fma" : isa == Isa::Avx2 ? "avx2,fma" : "scalar";
  info.cpuIsasCompiled = "scalar";
#if defined(YS_HAVE_AVX2)
  info.cpuIsasCompiled += ",avx2";
#endif
#if defined(YS_HAVE_AVX512)
  info.cpuIsasCompiled += ",avx512";
#endif
  info.defaultThreads = int(std::thread::hardware_concurrency() ? std::thread::hardware_concurrency() : 1);
#if defined(YS_WITH_CUDA)
  info.cudaCompiled = true;
#endif
#if defined(YS_CUDA_ARCHITECTURES)
  info.cudaArchitectures = YS_CUDA_ARCHITECTURES;
#endif
  return info;
}

}  // namespace ys
