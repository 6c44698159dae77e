// What this build of the kernel library can do, for `doctor`-style reports.
#pragma once

#include <string>

namespace ys {

struct BuildInfo {
  std::string version;             // library version
  std::string compiler;            // e.g. "GCC 12.2.0"
  std::string cpuFeaturesDetected; // among the features a code path needs, what the CPU has: "avx2,fma"
  // Code paths by isaName (include/ys/isa.h), comma-separated:
  std::string cpuCodePath;             // the one Isa::Auto runs: "avx512", "avx2" or "scalar"
  std::string cpuCodePathsCompiled;    // compiled in: "scalar,avx2,avx512"
  std::string cpuCodePathsAvailable;   // compiled in and supported by this CPU (each can be forced)
  int defaultThreads = 1;          // hardware_concurrency
  bool cudaCompiled = false;       // YS_WITH_CUDA
  std::string cudaArchitectures;   // YS_CUDA_ARCHITECTURES, e.g. "75,80,86,89,90,90-ptx"
};

BuildInfo buildInfo();

}  // namespace ys
