#include "device-select.h"

#include "ys/status.h"

#ifdef YS_WITH_CUDA
#include "ys/cuda.h"
#endif

namespace ysnode {

namespace {

SelectedModel onCpu(const ys::GraphDesc& graph, int threads, std::string note) {
  ys::CpuOptions options;
  options.threads = threads;
  return SelectedModel{std::shared_ptr<ys::Model>(ys::createCpuModel(graph, options)), "cpu", std::move(note)};
}

}  // namespace

bool cudaCompiled() noexcept {
#ifdef YS_WITH_CUDA
  return true;
#else
  return false;
#endif
}

std::string cudaToolkitVersion() {
#ifdef YS_WITH_CUDA
  return ys::cuda::toolkitVersion();
#else
  return "";
#endif
}

std::string cudaDriverVersion() {
#ifdef YS_WITH_CUDA
  return ys::cuda::queryDevices().driverVersion;
#else
  return "";
#endif
}

int cudaDeviceCount() noexcept {
#ifdef YS_WITH_CUDA
  return ys::cuda::queryDevices().count;
#else
  return 0;
#endif
}

SelectedModel createModelOn(const ys::GraphDesc& graph, const std::string& device, int threads, int deviceIndex) {
  if (device == "cpu") return onCpu(graph, threads, "");
#ifdef YS_WITH_CUDA
  const auto query = ys::cuda::queryDevices();
  if (query.count > 0 && deviceIndex >= query.count) {
    throw ys::Error(ys::ErrorCode::InvalidArgument, "createModel: CUDA device " + std::to_string(deviceIndex) +
                                                        " does not exist (" + std::to_string(query.count) +
                                                        " device(s) found)");
  }
  if (query.count > 0) {
    ys::cuda::CudaOptions options;
    options.device = deviceIndex;
    if (device == "cuda") {
      return SelectedModel{std::shared_ptr<ys::Model>(ys::cuda::createCudaModel(graph, options)),
                           "cuda:" + std::to_string(deviceIndex), ""};
    }
    try {
      return SelectedModel{std::shared_ptr<ys::Model>(ys::cuda::createCudaModel(graph, options)),
                           "cuda:" + std::to_string(deviceIndex), ""};
    } catch (const ys::Error& e) {
      // A graph error is the same on every device: report it rather than hide it.
      if (e.code() == ys::ErrorCode::InvalidGraph) throw;
      return onCpu(graph, threads, std::string("yolo-saliency native: CUDA could not be used (") + e.what() +
                                       "); computing on the CPU");
    }
  }
  if (device == "cuda") {
    throw ys::Error(ys::ErrorCode::Unsupported,
                    "createModel: device 'cuda' was asked for, but no CUDA device is usable here: " + query.reason);
  }
  return onCpu(graph, threads, "yolo-saliency native: no CUDA device (" + query.reason + "); computing on the CPU");
#else
  (void)deviceIndex;
  if (device == "cuda") {
    throw ys::Error(ys::ErrorCode::Unsupported,
                    "createModel: device 'cuda' was asked for, but this build of the addon has no CUDA support "
                    "(nvcc was not found when it was built, or YS_WITH_CUDA=OFF); rebuild on a machine with the CUDA "
                    "toolkit: pnpm --filter @yolo-saliency/native build:native");
  }
  return onCpu(graph, threads, "yolo-saliency native: this build has no CUDA support; computing on the CPU");
#endif
}

}  // namespace ysnode
