// Device discovery that never throws: with the static runtime the addon loads without a
// driver, and cudaGetDeviceCount then reports why there is no device.
#include <cuda_runtime.h>

#include <string>

#include "ys/cuda.h"

namespace ys::cuda {

namespace {
std::string versionString(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }
}  // namespace

std::string toolkitVersion() { return versionString(CUDART_VERSION); }

DeviceQuery queryDevices() noexcept {
  DeviceQuery q;
  try {
    int driver = 0;
    if (cudaDriverGetVersion(&driver) == cudaSuccess && driver > 0) q.driverVersion = versionString(driver);
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
      cudaGetLastError();
      switch (status) {
        case cudaErrorNoDevice: q.reason = "no CUDA-capable GPU was found"; break;
        case cudaErrorInsufficientDriver:
          q.reason = q.driverVersion.empty() ? "no NVIDIA driver is installed"
                                             : "the NVIDIA driver (CUDA " + q.driverVersion + ") is older than the CUDA " +
                                                   toolkitVersion() + " this addon was built with";
          break;
        default: q.reason = std::string("CUDA reports ") + cudaGetErrorName(status) + ": " + cudaGetErrorString(status);
      }
      return q;
    }
    q.count = count;
    if (count == 0) q.reason = "no CUDA-capable GPU was found";
  } catch (...) {
    q.count = 0;
    q.reason = "CUDA device query failed";
  }
  return q;
}

}  // namespace ys::cuda
