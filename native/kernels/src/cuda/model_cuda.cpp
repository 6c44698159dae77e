// The CUDA Model: the graph walk (src/walk) on device buffers and one stream. Weights are
// prepared on the device once, at creation (each group's W^T; depthwise convs as they are);
// each call uploads the tape entries it reads and the head gradients, queues every kernel on
// the stream, and waits once, at the end (finish), where a bad maxpool index flagged by the
// scatter kernel is reported. Validation is shared with the CPU (common/graph_check), so
// errors read the same.
#include <cuda_runtime.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "cuda_check.h"
#include "cuda_kernels.h"
#include "device_buffer.h"
#include "walk/walk_model.h"
#include "ys/cuda.h"
#include "ys/status.h"

namespace ys::cuda {

namespace {

/** Makes `device` current for the calling thread (workers of the binding vary). */
void useDevice(int device) { YS_CUDA_CHECK(cudaSetDevice(device)); }

class CudaBackend {
 public:
  using Buffer = DeviceBuffer;

  CudaBackend(std::size_t nodes, const CudaOptions& options)
      : device_(options.device), geometry_(nodes), weights_(nodes), nodes_(nodes) {
    useDevice(device_);
    YS_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    badIndex_ = DeviceBuffer(nodes * sizeof(int));
  }
  ~CudaBackend() {
    cudaSetDevice(device_);
    if (stream_) cudaStreamDestroy(stream_);
  }
  CudaBackend(const CudaBackend&) = delete;
  CudaBackend& operator=(const CudaBackend&) = delete;

  Buffer take(std::size_t floats) { return pool_.take(floats * sizeof(float)); }
  void give(Buffer&& b) { pool_.give(std::move(b)); }
  static float* data(Buffer& b) { return b.as<float>(); }
  kernels::Stream exec() { return stream_; }

  /** Host memory is uploaded; the copy is kept until the call is finished. */
  template <typename T>
  const T* read(ConstSpan<T> span) {
    held_.push_back(upload(pool_, span.data, span.size, stream_));
    return held_.back().as<T>();
  }

  void prepareConv(int node, const cpu::ConvGeometry& g, const float* oihw) {
    const std::size_t floats = kernels::convWeightsFloats(g);
    DeviceBuffer weights = upload(scratch_, oihw, floats, stream_);
    DeviceBuffer& prepared = weights_[std::size_t(node)];
    prepared = DeviceBuffer(floats * sizeof(float));
    kernels::prepareConvWeights(stream_, g, weights.as<float>(), prepared.as<float>());
    YS_CUDA_CHECK(cudaStreamSynchronize(stream_));
    scratch_.give(std::move(weights));
    geometry_[std::size_t(node)] = g;
    colsFloats_ = std::max(colsFloats_, kernels::convColsFloats(g));
  }

  void convBackwardData(int node, int n, const float* dy, float* dx, bool accumulate) {
    if (!cols_ && colsFloats_) cols_ = pool_.take(colsFloats_ * sizeof(float));
    kernels::convBackwardData(stream_, geometry_[std::size_t(node)], weights_[std::size_t(node)].as<float>(), n, dy, dx,
                              accumulate, cols_.as<float>());
  }

  /** A bad index only sets this node's flag; finish() reports it, as the CPU would. */
  void maxpoolBackward(int node, int n, int c, int h, int w, int oh, int ow, const float* g, const std::int32_t* argmax,
                       float* dx, bool accumulate, const std::string& layer) {
    kernels::maxpoolBackward(stream_, n, c, h, w, oh, ow, g, argmax, dx, accumulate, badIndex_.as<int>() + node);
    flagged_.emplace_back(node, layer);
  }

  void store(Span<float> out, const float* src, int n, int c, std::int64_t hw, Layout layout) {
    if (layout == Layout::Nhwc && c > 1) {
      held_.push_back(pool_.take(out.size * sizeof(float)));
      kernels::nchwToNhwc(stream_, n, c, hw, src, held_.back().as<float>());
      src = held_.back().as<float>();
    }
    YS_CUDA_CHECK(cudaMemcpyAsync(out.data, src, out.size * sizeof(float), cudaMemcpyDeviceToHost, stream_));
  }

  void begin() {
    useDevice(device_);
    if (!held_.empty() || cols_) {  // a call that failed half-way: its work may still be queued
      YS_CUDA_CHECK(cudaStreamSynchronize(stream_));
      release();
    }
    flagged_.clear();
    YS_CUDA_CHECK(cudaMemsetAsync(badIndex_.as<int>(), 0, nodes_ * sizeof(int), stream_));
  }

  void finish() {
    std::vector<int> flags(nodes_, 0);
    if (!flagged_.empty()) {
      YS_CUDA_CHECK(cudaMemcpyAsync(flags.data(), badIndex_.as<int>(), nodes_ * sizeof(int), cudaMemcpyDeviceToHost, stream_));
    }
    YS_CUDA_CHECK(cudaStreamSynchronize(stream_));  // the one wait of a call
    release();
    for (const auto& [node, layer] : flagged_) {  // walk order: the first is the one the CPU reports
      if (flags[std::size_t(node)]) {
        throw Error(ErrorCode::TapeMismatch,
                    "backward: layer '" + layer + "' (maxpool): an argmax index is outside its (n, c) plane of the input");
      }
    }
  }

  std::size_t memoryBytes() const {
    std::size_t total = pool_.bytes() + scratch_.bytes();
    for (const auto& w : weights_) total += w.bytes();
    return total;
  }
  std::string device() const { return "cuda:" + std::to_string(device_); }
  int threads() const { return 1; }
  Isa cpuCodePath() const { return Isa::Auto; }

 private:
  /** Per-call device memory back to the pool (the stream is done with it). */
  void release() {
    for (auto& b : held_) pool_.give(std::move(b));
    held_.clear();
    pool_.give(std::move(cols_));
  }

  int device_ = 0;
  cudaStream_t stream_ = nullptr;
  std::vector<cpu::ConvGeometry> geometry_;
  std::vector<DeviceBuffer> weights_;  // per conv: kernels::prepareConvWeights
  std::size_t colsFloats_ = 0;
  std::size_t nodes_ = 0;
  DeviceBuffer badIndex_;  // one flag per node
  std::vector<std::pair<int, std::string>> flagged_;
  std::vector<DeviceBuffer> held_;  // uploads and scratch of the current call
  DeviceBuffer cols_;
  DeviceBufferPool pool_;
  DeviceBufferPool scratch_;
};

}  // namespace

std::unique_ptr<Model> createCudaModel(const GraphDesc& graph, const CudaOptions& options) {
  const DeviceQuery query = queryDevices();
  if (query.count == 0) throw Error(ErrorCode::Unsupported, "model: no CUDA device is usable: " + query.reason);
  if (options.device < 0 || options.device >= query.count) {
    throw Error(ErrorCode::InvalidArgument, "model: CUDA device " + std::to_string(options.device) + " does not exist");
  }
  return std::make_unique<walk::WalkModel<CudaBackend>>(graph, options);
}

}  // namespace ys::cuda
