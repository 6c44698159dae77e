// The CUDA Model: the CPU model's graph walk (cpu/model_cpu.cpp) with the CUDA twins. Weights
// are transposed to W^T on the device once, at creation; each call uploads the tape entries
// it reads and the head gradients, runs every kernel on the model's stream, and downloads the
// result. Validation is the CPU model's (common/graph_check), so errors read the same.
#include <cuda_runtime.h>

#include <algorithm>
#include <mutex>
#include <string>

#include "common/graph_check.h"
#include "cuda_check.h"
#include "cuda_kernels.h"
#include "device_buffer.h"
#include "ys/cuda.h"
#include "ys/status.h"

namespace ys::cuda {

namespace {

/** Makes `device` current for the calling thread (workers of the binding vary). */
void useDevice(int device) { YS_CUDA_CHECK(cudaSetDevice(device)); }

class CudaModel final : public Model {
 public:
  CudaModel(const GraphDesc& graph, const CudaOptions& options) : graph_(graph), device_(options.device) {
    shapes_ = common::checkGraph(graph);
    for (const NodeDesc& node : graph.nodes) names_.push_back(node.name);
    heads_ = graph.heads;
    useDevice(device_);
    YS_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    geometry_.resize(graph.nodes.size());
    weightsT_.resize(graph.nodes.size());
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      NodeDesc& node = graph_.nodes[i];
      if (node.kind != NodeKind::Conv) continue;
      const Shape& in = shapes_[std::size_t(node.inputs[0])];
      cpu::ConvGeometry& g = geometry_[i];
      g.c = in.c, g.h = in.h, g.w = in.w;
      g.o = shapes_[i].c, g.oh = shapes_[i].h, g.ow = shapes_[i].w;
      g.kh = node.conv.kh, g.kw = node.conv.kw, g.stride = node.conv.stride, g.pads = node.conv.pads;
      const int k = g.c * g.kh * g.kw;
      DeviceBuffer oihw = upload(scratch_, node.conv.weights.data, node.conv.weights.size, stream_);
      weightsT_[i] = DeviceBuffer(std::size_t(k) * g.o * sizeof(float));
      kernels::transposeWeights(stream_, g.o, k, oihw.as<float>(), weightsT_[i].as<float>());
      YS_CUDA_CHECK(cudaStreamSynchronize(stream_));
      scratch_.give(std::move(oihw));
      colsFloats_ = std::max(colsFloats_, std::size_t(k) * g.oh * g.ow);
      node.conv.weights = {};  // the caller's memory is not ours to keep
    }
    badIndex_ = DeviceBuffer(sizeof(int));
  }

  ~CudaModel() override {
    cudaSetDevice(device_);
    if (stream_) cudaStreamDestroy(stream_);
  }

  void backward(const TapeView& tape, const std::vector<ConstSpan<float>>& headGradients, Rule rule, int stopAt,
                Span<float> out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopAt < 0 || std::size_t(stopAt) >= graph_.nodes.size()) {
      throw Error(ErrorCode::InvalidArgument, "backward: stopAt " + std::to_string(stopAt) + " is not a layer index");
    }
    const std::vector<bool> needed = common::nodesAfter(graph_, stopAt);
    common::checkBackwardRequest(graph_, shapes_, tape, headGradients, stopAt, out.size, needed);
    useDevice(device_);
    const int n = tape.batch;
    const std::size_t nodes = graph_.nodes.size();
    std::vector<DeviceBuffer> grads(nodes);
    auto count = [&](int j) { return std::int64_t(n) * shapes_[std::size_t(j)].elements(); };
    auto target = [&](int j, bool& accumulate) -> float* {
      accumulate = bool(grads[std::size_t(j)]);
      if (!accumulate) grads[std::size_t(j)] = pool_.take(std::size_t(count(j)) * sizeof(float));
      return grads[std::size_t(j)].as<float>();
    };
    auto pass = [&](int i, int j, bool lastUse) {
      if (!grads[std::size_t(j)] && lastUse) {
        grads[std::size_t(j)] = std::move(grads[std::size_t(i)]);
        return;
      }
      bool acc;
      float* dst = target(j, acc);
      const Shape& s = shapes_[std::size_t(j)];
      kernels::channelSliceBackward(stream_, n, s.c, 0, s.c, std::int64_t(s.h) * s.w, grads[std::size_t(i)].as<float>(), dst, acc);
    };
    DeviceBuffer cols;
    YS_CUDA_CHECK(cudaMemsetAsync(badIndex_.as<int>(), 0, sizeof(int), stream_));
    std::vector<DeviceBuffer> uploads;  // tape entries, kept until the stream is done

    for (std::size_t k = 0; k < graph_.heads.size(); ++k) {
      const int h = graph_.heads[k];
      if (!needed[std::size_t(h)]) continue;
      uploads.push_back(upload(pool_, headGradients[k].data, headGradients[k].size, stream_));
      bool acc;
      float* dst = target(h, acc);
      const Shape& s = shapes_[std::size_t(h)];
      kernels::channelSliceBackward(stream_, n, s.c, 0, s.c, std::int64_t(s.h) * s.w, uploads.back().as<float>(), dst, acc);
    }

    for (int i = int(nodes) - 1; i > stopAt; --i) {
      if (!grads[std::size_t(i)]) continue;
      const NodeDesc& node = graph_.nodes[std::size_t(i)];
      const NodeTape& t = tape.nodes[std::size_t(i)];
      const float* g = grads[std::size_t(i)].as<float>();
      const Shape& s = shapes_[std::size_t(i)];
      const int in0 = node.inputs[0];
      bool acc;
      switch (node.kind) {
        case NodeKind::Input:
          break;
        case NodeKind::Yolo:
          if (needed[std::size_t(in0)]) pass(i, in0, true);
          break;
        case NodeKind::Conv:
          if (needed[std::size_t(in0)]) {
            if (!cols && colsFloats_) cols = pool_.take(colsFloats_ * sizeof(float));
            float* dst = target(in0, acc);
            kernels::convBackwardData(stream_, geometry_[std::size_t(i)], weightsT_[std::size_t(i)].as<float>(), n, g, dst, acc,
                                      cols.as<float>());
          }
          break;
        case NodeKind::Activation:
          if (!needed[std::size_t(in0)]) break;
          if (node.activation.kind == Activation::Linear) {
            pass(i, in0, true);
          } else {
            const std::uint8_t* signs = nullptr;
            const float* logistic = nullptr;
            if (node.activation.kind == Activation::Logistic) {
              uploads.push_back(upload(pool_, t.logistic.data, t.logistic.size, stream_));
              logistic = uploads.back().as<float>();
            } else {
              uploads.push_back(upload(pool_, t.signs.data, t.signs.size, stream_));
              signs = uploads.back().as<std::uint8_t>();
            }
            float* dst = target(in0, acc);
            kernels::activationBackward(stream_, node.activation, rule, count(i), g, signs, logistic, dst, acc);
          }
          break;
        case NodeKind::MaxPool:
          if (needed[std::size_t(in0)]) {
            const Shape& is = shapes_[std::size_t(in0)];
            const std::int64_t* idx64 = nullptr;
            const std::int32_t* idx32 = nullptr;
            if (t.argmax64.data) {
              uploads.push_back(upload(pool_, t.argmax64.data, t.argmax64.size, stream_));
              idx64 = uploads.back().as<std::int64_t>();
            } else {
              uploads.push_back(upload(pool_, t.argmax32.data, t.argmax32.size, stream_));
              idx32 = uploads.back().as<std::int32_t>();
            }
            float* dst = target(in0, acc);
            kernels::maxpoolBackward(stream_, n, s.c, is.h, is.w, s.h, s.w, g, idx64, idx32, dst, acc, badIndex_.as<int>());
            checkArgmax(node);
          }
          break;
        case NodeKind::Upsample:
          if (needed[std::size_t(in0)]) {
            const Shape& is = shapes_[std::size_t(in0)];
            float* dst = target(in0, acc);
            kernels::upsampleBackward(stream_, n, is.c, is.h, is.w, node.upsampleFactor, g, dst, acc);
          }
          break;
        case NodeKind::Concat: {
          int c0 = 0;
          for (int j : node.inputs) {
            const Shape& is = shapes_[std::size_t(j)];
            if (needed[std::size_t(j)]) {
              float* dst = target(j, acc);
              kernels::channelSliceBackward(stream_, n, s.c, c0, is.c, std::int64_t(s.h) * s.w, g, dst, acc);
            }
            c0 += is.c;
          }
          break;
        }
        case NodeKind::Add:
          for (std::size_t k = 0; k < node.inputs.size(); ++k) {
            const int j = node.inputs[k];
            if (needed[std::size_t(j)]) pass(i, j, k + 1 == node.inputs.size());
          }
          break;
      }
      // Back to the pool while kernels reading it may still be queued: safe, because every
      // later user of the memory is on the same in-order stream.
      if (grads[std::size_t(i)]) pool_.give(std::move(grads[std::size_t(i)]));
    }

    const std::size_t total = std::size_t(count(stopAt));
    if (grads[std::size_t(stopAt)]) {
      YS_CUDA_CHECK(cudaMemcpyAsync(out.data, grads[std::size_t(stopAt)].as<float>(), total * sizeof(float),
                                    cudaMemcpyDeviceToHost, stream_));
      YS_CUDA_CHECK(cudaStreamSynchronize(stream_));
      pool_.give(std::move(grads[std::size_t(stopAt)]));
    } else {
      YS_CUDA_CHECK(cudaStreamSynchronize(stream_));
      std::fill(out.data, out.data + total, 0.0f);
    }
    for (auto& b : uploads) pool_.give(std::move(b));
    pool_.give(std::move(cols));
  }

  void visualBackProp(const VbpPlan& plan, const TapeView& tape, Span<float> out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    common::checkVbpRequest(graph_, shapes_, plan, tape, out.size);
    useDevice(device_);
    const int n = tape.batch;
    std::vector<DeviceBuffer> masks(graph_.nodes.size());
    std::vector<DeviceBuffer> uploads;
    for (const VbpStep& step : plan.steps) {
      const std::size_t node = std::size_t(step.node);
      const std::int64_t hw = std::int64_t(step.h) * step.w, total = n * hw;
      if (step.seed) {
        if (!masks[node]) {
          masks[node] = pool_.take(std::size_t(total) * sizeof(float));
          kernels::fill(stream_, total, 1.0f, masks[node].as<float>());
        } else {
          kernels::addScalar(stream_, total, 1.0f, masks[node].as<float>());
        }
      }
      if (!masks[node]) continue;
      float* m = masks[node].as<float>();
      if (step.multiplyByMean) {
        const ConstSpan<float>& mean = tape.nodes[node].mean;
        uploads.push_back(upload(pool_, mean.data, mean.size, stream_));
        kernels::multiply(stream_, total, uploads.back().as<float>(), m);
      }
      if (step.sends.empty()) {
        kernels::vbpNormaliseMinMax(stream_, n, hw, m);
        YS_CUDA_CHECK(cudaMemcpyAsync(out.data, m, std::size_t(total) * sizeof(float), cudaMemcpyDeviceToHost, stream_));
        break;
      }
      for (const VbpSend& send : step.sends) {
        const Shape& ts = shapes_[std::size_t(send.to)];
        const std::int64_t thw = std::int64_t(ts.h) * ts.w;
        DeviceBuffer sent = pool_.take(std::size_t(n * thw) * sizeof(float));
        switch (send.op.kind) {
          case VbpOpKind::Identity:
            YS_CUDA_CHECK(cudaMemcpyAsync(sent.as<float>(), m, std::size_t(total) * sizeof(float), cudaMemcpyDeviceToDevice, stream_));
            break;
          case VbpOpKind::OnesTransposedConv:
            kernels::vbpOnesTransposedConv(stream_, n, step.h, step.w, m, send.op, sent.as<float>());
            break;
          case VbpOpKind::AveragePool:
            kernels::vbpAveragePool(stream_, n, step.h, step.w, send.op.factor, m, sent.as<float>());
            break;
        }
        kernels::vbpNormaliseByMax(stream_, n, thw, sent.as<float>());
        const std::size_t to = std::size_t(send.to);
        if (!masks[to]) {
          masks[to] = std::move(sent);
        } else {
          kernels::add(stream_, n * thw, sent.as<float>(), masks[to].as<float>());
          pool_.give(std::move(sent));
        }
      }
      pool_.give(std::move(masks[node]));
    }
    YS_CUDA_CHECK(cudaStreamSynchronize(stream_));
    for (auto& m : masks) pool_.give(std::move(m));
    for (auto& b : uploads) pool_.give(std::move(b));
  }

  std::size_t memoryBytes() const override {
    std::size_t total = pool_.bytes() + scratch_.bytes();
    for (const auto& w : weightsT_) total += w.bytes();
    return total;
  }

  std::string device() const override { return "cuda:" + std::to_string(device_); }
  int threads() const override { return 1; }

 private:
  /** A bad argmax index was flagged by the scatter kernel: report it like the CPU does. */
  void checkArgmax(const NodeDesc& node) {
    int bad = 0;
    YS_CUDA_CHECK(cudaMemcpyAsync(&bad, badIndex_.as<int>(), sizeof(int), cudaMemcpyDeviceToHost, stream_));
    YS_CUDA_CHECK(cudaStreamSynchronize(stream_));
    if (bad) {
      throw Error(ErrorCode::TapeMismatch, "backward: layer '" + node.name +
                                               "' (maxpool): an argmax index is outside its (n, c) plane of the input");
    }
  }

  GraphDesc graph_;
  int device_ = 0;
  cudaStream_t stream_ = nullptr;
  std::vector<cpu::ConvGeometry> geometry_;
  std::vector<DeviceBuffer> weightsT_;
  std::size_t colsFloats_ = 0;
  DeviceBuffer badIndex_;
  DeviceBufferPool pool_;
  DeviceBufferPool scratch_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Model> createCudaModel(const GraphDesc& graph, const CudaOptions& options) {
  const DeviceQuery query = queryDevices();
  if (query.count == 0) throw Error(ErrorCode::Unsupported, "model: no CUDA device is usable: " + query.reason);
  if (options.device < 0 || options.device >= query.count) {
    throw Error(ErrorCode::InvalidArgument, "model: CUDA device " + std::to_string(options.device) + " does not exist");
  }
  return std::make_unique<CudaModel>(graph, options);
}

}  // namespace ys::cuda
