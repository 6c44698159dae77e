// The CUDA path of the kernel library: a ys::Model whose weights live on one GPU and whose
// kernels are the CUDA twins of ys::cpu (same index math, src/common). Only compiled when
// CMake finds nvcc (YS_WITH_CUDA); the runtime is linked statically, so a binary built with
// it still loads on a machine with no driver, where queryDevices() says so.
#pragma once

#include <memory>
#include <string>

#include "ys/model.h"

namespace ys::cuda {

struct DeviceQuery {
  /** Usable devices (0 when there is no driver or no GPU). */
  int count = 0;
  /** Why count is 0, in one line ("no CUDA driver is installed", ...); empty otherwise. */
  std::string reason;
  /** CUDA version the installed driver supports, "12.4"; empty without a driver. */
  std::string driverVersion;
};

/** Never throws. */
DeviceQuery queryDevices() noexcept;

/** CUDA toolkit version this code was compiled with, e.g. "13.0". */
std::string toolkitVersion();

struct CudaOptions {
  int device = 0;
};

/** Checks the graph, uploads the conv weights once. Throws ys::Error (a CUDA failure is an
 *  Error naming the CUDA call and error string; OutOfMemory when the upload does not fit). */
std::unique_ptr<Model> createCudaModel(const GraphDesc& graph, const CudaOptions& options = {});

}  // namespace ys::cuda
