// What this build of the kernel library can do, for `doctor`-style reports.
#pragma once

#include <string>

namespace ys {

struct BuildInfo {
  std::string version;            // library version
  std::string compiler;           // e.g. "GCC 12.2.0"
  std::string cpuFeaturesDetected;// what the CPU offers among those we use: "avx2,fma"
  std::string cpuFeaturesUsed;    // the ISA Isa::Auto picks: "avx512f", "avx2,fma" or "scalar"
  std::string cpuIsasCompiled;    // code paths compiled in: "scalar,avx2,avx512"
  int defaultThreads = 1;         // hardware_concurrency
  bool cudaCompiled = false;      // YS_WITH_CUDA
  std::string cudaArchitectures;  // YS_CUDA_ARCHITECTURES, e.g. "70;75;80;86;89;90"
};

BuildInfo buildInfo();

}  // namespace ys
