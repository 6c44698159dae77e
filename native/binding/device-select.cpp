#include "device-select.h"

#include "ys/status.h"

#ifdef YS_WITH_CUDA
#include "ys/cuda.h"
#endif

namespace ysnode {

namespace {

const char* const kCpuNote = "; computing on the CPU";

std::shared_ptr<ys::Model> onCpu(const ys::GraphDesc& graph, int threads, ys::Isa isa) {
  if (!ys::isaAvailable(isa)) {
    throw ys::Error(ys::ErrorCode::Unsupported, std::string("the ") + ys::isaName(isa) +
                                                    " code path is not available here: " + ys::isaUnavailableReason(isa));
  }
  ys::CpuOptions options;
  options.threads = threads;
  options.isa = isa;
  return std::shared_ptr<ys::Model>(ys::createCpuModel(graph, options));
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

DeviceChoice chooseDevice(const std::string& device, int deviceIndex) {
  if (device == "cpu") return {"cpu", ""};
#ifdef YS_WITH_CUDA
  const auto query = ys::cuda::queryDevices();
  if (query.count > 0 && deviceIndex >= query.count) {
    throw ys::Error(ys::ErrorCode::InvalidArgument, "CUDA device " + std::to_string(deviceIndex) +
                                                        " does not exist (" + std::to_string(query.count) +
                                                        " device(s) found)");
  }
  if (query.count > 0) return {"cuda:" + std::to_string(deviceIndex), ""};
  if (device == "cuda") {
    throw ys::Error(ys::ErrorCode::Unsupported,
                    "device 'cuda' was asked for, but no CUDA device is usable here: " + query.reason);
  }
  return {"cpu", "yolo-saliency native: no CUDA device (" + query.reason + ")" + kCpuNote};
#else
  (void)deviceIndex;
  if (device == "cuda") {
    throw ys::Error(ys::ErrorCode::Unsupported,
                    "device 'cuda' was asked for, but this build of the addon has no CUDA support "
                    "(nvcc was not found when it was built, or YS_WITH_CUDA=OFF); rebuild on a machine with the CUDA "
                    "toolkit: pnpm --filter @yolo-saliency/native build:native");
  }
  return {"cpu", std::string("yolo-saliency native: this build has no CUDA support") + kCpuNote};
#endif
}

SelectedModel createModelOn(const ys::GraphDesc& graph, const std::string& device, int threads, int deviceIndex, ys::Isa isa) {
  DeviceChoice choice = chooseDevice(device, deviceIndex);
  if (choice.device == "cpu") return {onCpu(graph, threads, isa), std::move(choice)};
#ifdef YS_WITH_CUDA
  ys::cuda::CudaOptions options;
  options.device = deviceIndex;
  if (device == "cuda") return {std::shared_ptr<ys::Model>(ys::cuda::createCudaModel(graph, options)), std::move(choice)};
  try {
    return {std::shared_ptr<ys::Model>(ys::cuda::createCudaModel(graph, options)), std::move(choice)};
  } catch (const ys::Error& e) {
    // A graph error is the same on every device: report it rather than hide it.
    if (e.code() == ys::ErrorCode::InvalidGraph) throw;
    return {onCpu(graph, threads, isa), {"cpu", std::string("yolo-saliency native: CUDA could not be used (") + e.what() + ")" + kCpuNote}};
  }
#else
  throw ys::Error(ys::ErrorCode::Internal, "CUDA chosen in a build without CUDA");
#endif
}

}  // namespace ysnode
