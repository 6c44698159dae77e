// A YOLO graph prepared for backward passes and VisualBackProp. Weights are copied and
// repacked once at creation; every call then only reads the tape the forward recorded.
// Every device runs the same graph walk (src/walk) over its own kernels and buffers.
//
// Calls on one Model are serialised internally (a mutex), so a binding may call from any
// thread; each call is synchronous and uses the model's thread pool (or CUDA stream).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ys/graph.h"
#include "ys/isa.h"
#include "ys/span.h"
#include "ys/tape.h"
#include "ys/thread_pool.h"
#include "ys/vbp_plan.h"

namespace ys {

struct CpuOptions {
  /** Threads of the model's own pool; <= 0: hardware_concurrency. Ignored with `pool`. */
  int threads = 0;
  /** Share a pool between models (optional). */
  std::shared_ptr<ThreadPool> pool;
  /** Force a code path (tests, benchmarks); asking for one the CPU lacks throws Unsupported
   *  saying why (isaUnavailableReason). */
  Isa isa = Isa::Auto;
};

class Model {
 public:
  virtual ~Model() = default;

  int nodeCount() const { return int(shapes_.size()); }
  /** Output shape of one image at node i (NCHW without N). */
  Shape shape(int node) const { return shapes_.at(std::size_t(node)); }
  const std::string& nodeName(int node) const { return names_.at(std::size_t(node)); }
  /** Index of the node with this name, or -1. */
  int findNode(const std::string& name) const {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return int(i);
    }
    return -1;
  }
  /** Head order as in GraphDesc::heads. */
  const std::vector<int>& heads() const { return heads_; }

  /**
   * out = d(sum_k <headGradients[k], input of head k>) / d(output of node stopAt), for a
   * batch of tape.batch images; stopAt = 0 is the network input.
   * headGradients[k]: [N, A*(5+C), h, w] (the yolo node's shape); out: [N, shape(stopAt)];
   * both NCHW, or both NHWC with layout Nhwc. Sizes are checked; throws ys::Error naming the
   * layer otherwise.
   */
  virtual void backward(const TapeView& tape, const std::vector<ConstSpan<float>>& headGradients,
                        Rule rule, int stopAt, Span<float> out, Layout layout = Layout::Nchw) = 0;

  /** Executes the plan with tape.nodes[i].mean for every step that multiplies by a mean;
   *  out: [N, H, W] of node 0, each image normalised to [0, 1]. */
  virtual void visualBackProp(const VbpPlan& plan, const TapeView& tape, Span<float> out) = 0;

  /** Bytes held: repacked weights plus cached scratch buffers. */
  virtual std::size_t memoryBytes() const = 0;
  /** E.g. "cpu avx512 x2 threads", "cuda:0". */
  virtual std::string device() const = 0;
  virtual int threads() const = 0;
  /** The CPU code path the model runs (Isa::Scalar, Avx2, Avx512); Isa::Auto on a GPU. */
  virtual Isa cpuCodePath() const = 0;

 protected:
  std::vector<Shape> shapes_;
  std::vector<std::string> names_;
  std::vector<int> heads_;
};

/** Checks the graph (shapes re-derived, weights sizes, heads) and repacks the weights.
 *  Throws ys::Error (InvalidGraph naming the layer, Unsupported for an absent ISA, saying why). */
std::unique_ptr<Model> createCpuModel(const GraphDesc& graph, const CpuOptions& options = {});

}  // namespace ys
