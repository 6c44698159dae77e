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

template <typename Keep>
std::string isaList(Keep keep) {
  std::string out;
  for (Isa isa : allIsas()) {
    if (keep(isa)) out += (out.empty() ? "" : ",") + std::string(isaName(isa));
  }
  return out;
}
}  // namespace

BuildInfo buildInfo() {
  BuildInfo info;
  info.version = "0.1.0";
  info.compiler = compilerName();
  info.cpuFeaturesDetected = cpuFeaturesDetected();
  info.cpuCodePath = isaName(resolveIsa(Isa::Auto));
  info.cpuCodePathsCompiled = isaList(isaCompiled);
  info.cpuCodePathsAvailable = isaList(isaAvailable);
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
