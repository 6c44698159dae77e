// The CPU Model: the graph walk (src/walk) on host buffers and the thread pool. Conv weights
// are packed once per model for the chosen ISA's GEMM; tape arrays are read where they are.
#include <cstring>
#include <string>

#include "cpu/aligned_buffer.h"
#include "cpu/buffer_pool.h"
#include "walk/walk_model.h"
#include "ys/cpu_kernels.h"
#include "ys/model.h"
#include "ys/status.h"

namespace ys {

namespace {

class CpuBackend {
 public:
  using Buffer = cpu::AlignedFloats;

  CpuBackend(std::size_t nodes, const CpuOptions& options) : isa_(resolveIsa(options.isa)), packed_(nodes) {
    pool_ = options.pool ? options.pool : std::make_shared<ThreadPool>(options.threads);
  }

  Buffer take(std::size_t floats) { return buffers_.take(floats); }
  void give(Buffer&& b) { buffers_.give(std::move(b)); }
  static float* data(Buffer& b) { return b.data(); }
  cpu::Exec exec() { return cpu::Exec(*pool_, isa_); }

  /** Host memory is read in place. */
  template <typename T>
  const T* read(ConstSpan<T> span) { return span.data; }

  void prepareConv(int node, const cpu::ConvGeometry& geometry, const float* oihw) {
    packed_[std::size_t(node)] = std::make_unique<cpu::PackedConvWeights>(geometry, oihw, isa_);
  }

  void convBackwardData(int node, int n, const float* dy, float* dx, bool accumulate) {
    cpu::convBackwardData(exec(), *packed_[std::size_t(node)], n, dy, dx, accumulate);
  }

  void maxpoolBackward(int, int n, int c, int h, int w, int oh, int ow, const float* g, const std::int32_t* argmax,
                       float* dx, bool accumulate, const std::string& layer) {
    cpu::maxpoolBackward(exec(), n, c, h, w, oh, ow, g, argmax, dx, accumulate, layer.c_str());
  }

  void store(Span<float> out, const float* src, int n, int c, std::int64_t hw, Layout layout) {
    if (layout == Layout::Nhwc && c > 1) {
      cpu::nchwToNhwc(exec(), n, c, hw, src, out.data);
    } else {
      std::memcpy(out.data, src, out.size * sizeof(float));
    }
  }

  void begin() {}
  void finish() {}

  std::size_t memoryBytes() const {
    std::size_t total = buffers_.bytes();
    for (const auto& p : packed_) total += p ? p->bytes() : 0;
    return total;
  }
  std::string device() const {
    return std::string("cpu ") + isaName(isa_) + " x" + std::to_string(pool_->threads()) + " threads";
  }
  int threads() const { return pool_->threads(); }
  Isa cpuCodePath() const { return isa_; }

 private:
  Isa isa_;
  std::shared_ptr<ThreadPool> pool_;
  std::vector<std::unique_ptr<cpu::PackedConvWeights>> packed_;
  cpu::BufferPool buffers_;
};

}  // namespace

std::unique_ptr<Model> createCpuModel(const GraphDesc& graph, const CpuOptions& options) {
  if (!isaAvailable(options.isa)) {
    throw Error(ErrorCode::Unsupported, std::string("model: the ") + isaName(options.isa) +
                                            " code path is not available: " + isaUnavailableReason(options.isa));
  }
  try {
    return std::make_unique<walk::WalkModel<CpuBackend>>(graph, options);
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::OutOfMemory, "model: out of memory while packing the weights");
  }
}

}  // namespace ys
