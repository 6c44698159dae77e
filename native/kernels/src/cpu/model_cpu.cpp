// The CPU Model: walks the graph in reverse topological order and strings the kernels
// together. Each node's output gradient lives in one buffer; its consumers' contributions
// arrive in descending consumer order (the first one writes, later ones add), so results do
// not depend on the thread count.
#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>

#include "common/graph_check.h"
#include "cpu/aligned_buffer.h"
#include "cpu/buffer_pool.h"
#include "ys/cpu_kernels.h"
#include "ys/model.h"
#include "ys/status.h"

namespace ys {

int Model::findNode(const std::string& name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return int(i);
  }
  return -1;
}

namespace {

using cpu::AlignedFloats;

class CpuModel final : public Model {
 public:
  CpuModel(const GraphDesc& graph, const CpuOptions& options) : graph_(graph) {
    if (!isaAvailable(options.isa)) {
      throw Error(ErrorCode::Unsupported, std::string("model: the ") + isaName(options.isa) +
                                              " code path is not available on this CPU/build");
    }
    shapes_ = common::checkGraph(graph);
    for (const NodeDesc& node : graph.nodes) names_.push_back(node.name);
    heads_ = graph.heads;
    isa_ = resolveIsa(options.isa);
    pool_ = options.pool ? options.pool : std::make_shared<ThreadPool>(options.threads);
    packed_.resize(graph.nodes.size());
    for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
      NodeDesc& node = graph_.nodes[i];
      if (node.kind != NodeKind::Conv) continue;
      const Shape& in = shapes_[std::size_t(node.inputs[0])];
      cpu::ConvGeometry g;
      g.c = in.c, g.h = in.h, g.w = in.w;
      g.o = shapes_[i].c, g.oh = shapes_[i].h, g.ow = shapes_[i].w;
      g.kh = node.conv.kh, g.kw = node.conv.kw, g.stride = node.conv.stride, g.pads = node.conv.pads;
      packed_[i] = std::make_unique<cpu::PackedConvWeights>(g, node.conv.weights.data, isa_);
      node.conv.weights = {};  // the caller's memory is not ours to keep
    }
  }

  void backward(const TapeView& tape, const std::vector<ConstSpan<float>>& headGradients, Rule rule, int stopAt,
                Span<float> out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopAt < 0 || std::size_t(stopAt) >= graph_.nodes.size()) {
      throw Error(ErrorCode::InvalidArgument, "backward: stopAt " + std::to_string(stopAt) + " is not a layer index");
    }
    const std::vector<bool> needed = common::nodesAfter(graph_, stopAt);
    common::checkBackwardRequest(graph_, shapes_, tape, headGradients, stopAt, out.size, needed);
    const int n = tape.batch;
    ThreadPool& pool = *pool_;
    std::vector<AlignedFloats> grads(graph_.nodes.size());
    std::vector<bool> has(graph_.nodes.size(), false);
    auto count = [&](int j) { return std::int64_t(n) * shapes_[std::size_t(j)].elements(); };
    // Returns node j's gradient buffer and whether a contribution must add to it.
    auto target = [&](int j, bool& accumulate) -> float* {
      accumulate = has[std::size_t(j)];
      if (!accumulate) {
        grads[std::size_t(j)] = buffers_.take(std::size_t(count(j)));
        has[std::size_t(j)] = true;
      }
      return grads[std::size_t(j)].data();
    };
    // Identity pass of g (owned by node i) to node j: hand the buffer over when j has none.
    auto pass = [&](int i, int j, bool lastUse) {
      if (!has[std::size_t(j)] && lastUse) {
        grads[std::size_t(j)] = std::move(grads[std::size_t(i)]);
        has[std::size_t(j)] = true;
        has[std::size_t(i)] = false;
        return;
      }
      bool acc;
      float* dst = target(j, acc);
      const Shape& s = shapes_[std::size_t(j)];
      cpu::channelSliceBackward(pool, n, s.c, 0, s.c, std::int64_t(s.h) * s.w, grads[std::size_t(i)].data(), dst, acc);
    };

    for (std::size_t k = 0; k < graph_.heads.size(); ++k) {
      const int h = graph_.heads[k];
      if (!needed[std::size_t(h)]) continue;
      bool acc;
      float* dst = target(h, acc);
      const Shape& s = shapes_[std::size_t(h)];
      cpu::channelSliceBackward(pool, n, s.c, 0, s.c, std::int64_t(s.h) * s.w, headGradients[k].data, dst, acc);
    }

    for (int i = int(graph_.nodes.size()) - 1; i > stopAt; --i) {
      if (!has[std::size_t(i)]) continue;  // no head depends on this node
      const NodeDesc& node = graph_.nodes[std::size_t(i)];
      const NodeTape& t = tape.nodes[std::size_t(i)];
      const float* g = grads[std::size_t(i)].data();
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
            float* dst = target(in0, acc);
            cpu::convBackwardData(pool, *packed_[std::size_t(i)], n, g, dst, acc);
          }
          break;
        case NodeKind::Activation:
          if (!needed[std::size_t(in0)]) break;
          if (node.activation.kind == Activation::Linear) {
            pass(i, in0, true);
          } else {
            float* dst = target(in0, acc);
            cpu::activationBackward(pool, node.activation, rule, count(i), g, t.signs.data, t.logistic.data, dst, acc);
          }
          break;
        case NodeKind::MaxPool:
          if (needed[std::size_t(in0)]) {
            const Shape& is = shapes_[std::size_t(in0)];
            float* dst = target(in0, acc);
            cpu::maxpoolBackward(pool, n, s.c, is.h, is.w, s.h, s.w, g, t.argmax64.data, t.argmax64.data ? nullptr : t.argmax32.data,
                                 dst, acc, node.name.c_str());
          }
          break;
        case NodeKind::Upsample:
          if (needed[std::size_t(in0)]) {
            const Shape& is = shapes_[std::size_t(in0)];
            float* dst = target(in0, acc);
            cpu::upsampleBackward(pool, n, is.c, is.h, is.w, node.upsampleFactor, g, dst, acc);
          }
          break;
        case NodeKind::Concat: {
          int c0 = 0;
          for (int j : node.inputs) {
            const Shape& is = shapes_[std::size_t(j)];
            if (needed[std::size_t(j)]) {
              float* dst = target(j, acc);
              cpu::channelSliceBackward(pool, n, s.c, c0, is.c, std::int64_t(s.h) * s.w, g, dst, acc);
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
      if (has[std::size_t(i)]) {
        buffers_.give(std::move(grads[std::size_t(i)]));
        has[std::size_t(i)] = false;
      }
    }

    const std::size_t total = std::size_t(count(stopAt));
    if (has[std::size_t(stopAt)]) {
      std::memcpy(out.data, grads[std::size_t(stopAt)].data(), total * sizeof(float));
      buffers_.give(std::move(grads[std::size_t(stopAt)]));
    } else {
      std::fill(out.data, out.data + total, 0.0f);
    }
  }

  void visualBackProp(const VbpPlan& plan, const TapeView& tape, Span<float> out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    common::checkVbpRequest(graph_, shapes_, plan, tape, out.size);
    const int n = tape.batch;
    ThreadPool& pool = *pool_;
    std::vector<AlignedFloats> masks(graph_.nodes.size());
    std::vector<bool> has(graph_.nodes.size(), false);
    for (const VbpStep& step : plan.steps) {
      const std::size_t node = std::size_t(step.node);
      const std::int64_t hw = std::int64_t(step.h) * step.w, total = n * hw;
      if (step.seed) {
        if (!has[node]) {
          masks[node] = buffers_.take(std::size_t(total));
          std::fill(masks[node].data(), masks[node].data() + total, 1.0f);
          has[node] = true;
        } else {
          float* m = masks[node].data();
          for (std::int64_t k = 0; k < total; ++k) m[k] = m[k] + 1.0f;
        }
      }
      if (!has[node]) continue;
      float* m = masks[node].data();
      if (step.multiplyByMean) {
        const float* mean = tape.nodes[node].mean.data;
        for (std::int64_t k = 0; k < total; ++k) m[k] = m[k] * mean[k];
      }
      if (step.sends.empty()) {
        std::memcpy(out.data, m, std::size_t(total) * sizeof(float));
        cpu::vbpNormaliseMinMax(pool, n, hw, out.data);
        break;
      }
      for (const VbpSend& send : step.sends) {
        const Shape& ts = shapes_[std::size_t(send.to)];
        const std::int64_t thw = std::int64_t(ts.h) * ts.w;
        AlignedFloats sent = buffers_.take(std::size_t(n * thw));
        switch (send.op.kind) {
          case VbpOpKind::Identity:
            std::memcpy(sent.data(), m, std::size_t(total) * sizeof(float));
            break;
          case VbpOpKind::OnesTransposedConv:
            cpu::vbpOnesTransposedConv(pool, n, step.h, step.w, m, send.op, sent.data());
            break;
          case VbpOpKind::AveragePool:
            cpu::vbpAveragePool(pool, n, step.h, step.w, send.op.factor, m, sent.data());
            break;
        }
        cpu::vbpNormaliseByMax(pool, n, thw, sent.data());
        const std::size_t to = std::size_t(send.to);
        if (!has[to]) {
          masks[to] = std::move(sent);
          has[to] = true;
        } else {
          float* dst = masks[to].data();
          for (std::int64_t k = 0; k < n * thw; ++k) dst[k] = dst[k] + sent.data()[k];
          buffers_.give(std::move(sent));
        }
      }
      buffers_.give(std::move(masks[node]));
      has[node] = false;
    }
    for (auto& m : masks) buffers_.give(std::move(m));
  }

  std::size_t memoryBytes() const override {
    std::size_t total = buffers_.bytes();
    for (const auto& p : packed_) total += p ? p->bytes() : 0;
    return total;
  }

  std::string device() const override {
    const char* features = isa_ == Isa::Avx512 ? "avx512f,fma" : isa_ == Isa::Avx2 ? "avx2,fma" : "scalar";
    return std::string("cpu ") + features + " x" + std::to_string(pool_->threads()) + " threads";
  }

  int threads() const override { return pool_->threads(); }

 private:
  GraphDesc graph_;  // weights spans cleared: packed_ holds the weights
  Isa isa_ = Isa::Scalar;
  std::shared_ptr<ThreadPool> pool_;
  std::vector<std::unique_ptr<cpu::PackedConvWeights>> packed_;
  cpu::BufferPool buffers_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Model> createCpuModel(const GraphDesc& graph, const CpuOptions& options) {
  try {
    return std::make_unique<CpuModel>(graph, options);
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::OutOfMemory, "model: out of memory while packing the weights");
  }
}

}  // namespace ys
