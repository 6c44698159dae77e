// Channel slice: channels [start, start + count) of the single input (darknet's channel-split
// route, `[route] groups=G group_id=K`). Backward places the gradient at those channels of the
// input's gradient, zeros elsewhere (or adds it there when the input already has a gradient).
#pragma once

#include "nodes/kind.h"

namespace ys::nodes {

struct SliceNode : KindDefaults {
  static constexpr NodeKind kind = NodeKind::Slice;
  static constexpr const char* name = "slice";
  static constexpr Inputs inputs = Inputs::One;

  static void read(NodeFields& f, NodeDesc& node) {
    f.enter("slice");
    node.slice.start = f.integer("start", 0, kMaxDim);
    node.slice.count = f.integer("count", 1, kMaxDim);
  }

  static Shape outputShape(const NodeDesc& node, const std::vector<Shape>& in) {
    const SliceParams& p = node.slice;
    if (p.start < 0 || p.count < 1 || p.start + p.count > in[0].c) {
      graphError(node, "channels [" + std::to_string(p.start) + ", " + std::to_string(p.start + p.count) +
                           ") are not within the input's " + std::to_string(in[0].c) + " channels");
    }
    return Shape{p.count, in[0].h, in[0].w};
  }

  template <class Walk>
  static void backward(Walk& w, int i, const NodeDesc& node) {
    const int in = node.inputs[0];
    if (!w.needs(in)) return;
    const Shape& is = w.shape(in);
    bool accumulate;
    float* dx = w.target(in, accumulate);
    sliceBackward(w.exec(), w.batch(), is.c, node.slice.start, node.slice.count, std::int64_t(is.h) * is.w, w.gradient(i), dx,
                  accumulate);
  }
};

}  // namespace ys::nodes
