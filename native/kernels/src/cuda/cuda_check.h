// Every CUDA call goes through YS_CUDA_CHECK: a failure becomes a ys::Error naming the call
// and CUDA's own description (the binding turns it into a rejected promise), never an abort.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "ys/status.h"

namespace ys::cuda {

[[noreturn]] inline void throwCudaError(cudaError_t status, const char* call, const char* file, int line) {
  cudaGetLastError();  // clear the sticky-free error state so later calls are not poisoned
  const ErrorCode code = status == cudaErrorMemoryAllocation ? ErrorCode::OutOfMemory : ErrorCode::Internal;
  throw Error(code, std::string("CUDA error ") + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) +
                        ") in " + call + " at " + file + ":" + std::to_string(line));
}

}  // namespace ys::cuda

#define YS_CUDA_CHECK(call)                                                              \
  do {                                                                                   \
    const cudaError_t ys_status_ = (call);                                               \
    if (ys_status_ != cudaSuccess) ::ys::cuda::throwCudaError(ys_status_, #call, __FILE__, __LINE__); \
  } while (0)

/** After a kernel launch: launch-configuration errors surface here. */
#define YS_CUDA_CHECK_LAUNCH(name) YS_CUDA_CHECK(cudaPeekAtLastError())
