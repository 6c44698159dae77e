// The backward pass over a YOLO graph, once for every device (backend.h). Each node's output
// gradient lives in one buffer; its consumers' contributions arrive in descending consumer
// order (the first one writes, later ones add), so the summation order is the same on every
// device and every thread count. Each node kind's own step is in its module (src/nodes).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/graph_check.h"
#include "nodes/registry.h"
#include "ys/graph.h"
#include "ys/span.h"
#include "ys/status.h"
#include "ys/tape.h"

namespace ys::walk {

/** The state a node's backward step works with (src/nodes/kind.h). */
template <class Backend>
class BackwardWalk {
 public:
  using Buffer = typename Backend::Buffer;

  BackwardWalk(Backend& be, const GraphDesc& graph, const std::vector<Shape>& shapes, const TapeView& tape, Rule rule,
               std::vector<bool> needed)
      : be_(be), shapes_(shapes), tape_(tape), rule_(rule), needed_(std::move(needed)),
        grads_(graph.nodes.size()), has_(graph.nodes.size(), false) {}
  ~BackwardWalk() {
    for (std::size_t j = 0; j < grads_.size(); ++j) {
      if (has_[j]) be_.give(std::move(grads_[j]));
    }
  }
  BackwardWalk(const BackwardWalk&) = delete;
  BackwardWalk& operator=(const BackwardWalk&) = delete;

  Backend& backend() { return be_; }
  auto exec() { return be_.exec(); }
  int batch() const { return tape_.batch; }
  Rule rule() const { return rule_; }
  const NodeTape& tape(int i) const { return tape_.nodes[std::size_t(i)]; }
  const Shape& shape(int j) const { return shapes_[std::size_t(j)]; }
  /** Elements of node j's output over the batch. */
  std::int64_t count(int j) const { return std::int64_t(tape_.batch) * shape(j).elements(); }
  /** Whether node j's gradient is computed (it lies between stopAt and a head). */
  bool needs(int j) const { return needed_[std::size_t(j)]; }
  /** Whether a contribution has reached node j (so it has a gradient buffer). */
  bool has(int j) const { return has_[std::size_t(j)]; }

  /** Node i's output gradient (has(i)). */
  float* gradient(int i) { return Backend::data(grads_[std::size_t(i)]); }

  /** Node j's gradient buffer for a contribution: the first one writes (accumulate false),
   *  later ones add. */
  float* target(int j, bool& accumulate) {
    accumulate = has_[std::size_t(j)];
    if (!accumulate) {
      grads_[std::size_t(j)] = be_.take(std::size_t(count(j)));
      has_[std::size_t(j)] = true;
    }
    return gradient(j);
  }

  /** The identity contribution of node `from`'s gradient to node `to` (same shape). When it
   *  is the first to reach `to` and `from`'s last use, the buffer is handed over. */
  void pass(int from, int to, bool lastUse) {
    if (!has_[std::size_t(to)] && lastUse) {
      grads_[std::size_t(to)] = std::move(grads_[std::size_t(from)]);
      has_[std::size_t(to)] = true;
      has_[std::size_t(from)] = false;
      return;
    }
    bool accumulate;
    float* dst = target(to, accumulate);
    const Shape& s = shape(to);
    channelSliceBackward(exec(), batch(), s.c, 0, s.c, std::int64_t(s.h) * s.w, gradient(from), dst, accumulate);
  }

  /** Node i's gradient is no longer needed. */
  void release(int i) {
    if (!has_[std::size_t(i)]) return;
    be_.give(std::move(grads_[std::size_t(i)]));
    has_[std::size_t(i)] = false;
  }

 private:
  Backend& be_;
  const std::vector<Shape>& shapes_;
  const TapeView& tape_;
  const Rule rule_;
  const std::vector<bool> needed_;
  std::vector<Buffer> grads_;
  std::vector<bool> has_;
};

/** Model::backward on `be` (see ys/model.h for the arguments). */
template <class Backend>
void backward(Backend& be, const GraphDesc& graph, const std::vector<Shape>& shapes, const TapeView& tape,
              const std::vector<ConstSpan<float>>& headGradients, Rule rule, int stopAt, Layout layout, Span<float> out) {
  if (stopAt < 0 || std::size_t(stopAt) >= graph.nodes.size()) {
    throw Error(ErrorCode::InvalidArgument, "backward: stopAt " + std::to_string(stopAt) + " is not a layer index");
  }
  std::vector<bool> needed = common::nodesAfter(graph, stopAt);
  common::checkBackwardRequest(graph, shapes, tape, headGradients, stopAt, out.size, needed);
  be.begin();
  BackwardWalk<Backend> w(be, graph, shapes, tape, rule, std::move(needed));
  const int n = tape.batch;

  for (std::size_t k = 0; k < graph.heads.size(); ++k) {
    const int head = graph.heads[k];
    if (!w.needs(head)) continue;
    const Shape& s = shapes[std::size_t(head)];
    const std::int64_t hw = std::int64_t(s.h) * s.w;
    const float* g = be.read(headGradients[k]);
    bool accumulate;
    float* dst = w.target(head, accumulate);
    if (layout == Layout::Nhwc) {
      nhwcToNchw(be.exec(), n, s.c, hw, g, dst, accumulate);
    } else {
      channelSliceBackward(be.exec(), n, s.c, 0, s.c, hw, g, dst, accumulate);
    }
  }

  for (int i = int(graph.nodes.size()) - 1; i > stopAt; --i) {
    if (!w.has(i)) continue;  // no head depends on this node
    const NodeDesc& node = graph.nodes[std::size_t(i)];
    nodes::withKind(node.kind, [&](auto kind) { decltype(kind)::backward(w, i, node); });
    w.release(i);
  }

  const Shape& s = shapes[std::size_t(stopAt)];
  if (w.has(stopAt)) {
    be.store(out, w.gradient(stopAt), n, s.c, std::int64_t(s.h) * s.w, layout);
  } else {
    std::fill(out.data, out.data + out.size, 0.0f);
  }
  be.finish();
}

}  // namespace ys::walk
