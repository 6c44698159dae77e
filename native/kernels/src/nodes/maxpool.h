// Max pooling the darknet/ONNX way (the max over valid pixels; pads say how far the window
// reaches). Backward scatters each gradient to its recorded argmax (a per-plane offset).
#pragma once

#include "common/window_math.h"
#include "nodes/kind.h"

namespace ys::nodes {

struct MaxPoolNode : KindDefaults {
  static constexpr NodeKind kind = NodeKind::MaxPool;
  static constexpr const char* name = "maxpool";
  static constexpr Inputs inputs = Inputs::One;

  static void read(NodeFields& f, NodeDesc& node) {
    f.enter("maxpool");
    node.maxpool.size = f.integer("size", 1, 1024);
    node.maxpool.stride = f.integer("stride", 1, 1024);
    node.maxpool.pads = f.pads("pads");
  }

  static Shape outputShape(const NodeDesc& node, const std::vector<Shape>& in) {
    const MaxPoolParams& p = node.maxpool;
    if (p.size <= 0 || p.stride <= 0) graphError(node, "size and stride must be positive");
    return Shape{in[0].c, common::windowOutputSize(in[0].h, p.size, p.stride, p.pads.top, p.pads.bottom),
                 common::windowOutputSize(in[0].w, p.size, p.stride, p.pads.left, p.pads.right)};
  }

  static void checkTape(const char* call, const NodeDesc& node, const NodeTape& t, std::size_t elements) {
    requireTape(call, node, t.argmax, elements, "argmax indices");
  }

  template <class Walk>
  static void backward(Walk& w, int i, const NodeDesc& node) {
    const int in = node.inputs[0];
    if (!w.needs(in)) return;
    const Shape& s = w.shape(i);
    const Shape& is = w.shape(in);
    const std::int32_t* argmax = w.backend().read(w.tape(i).argmax);
    bool accumulate;
    float* dx = w.target(in, accumulate);
    w.backend().maxpoolBackward(i, w.batch(), s.c, is.h, is.w, s.h, s.w, w.gradient(i), argmax, dx, accumulate, node.name);
  }
};

}  // namespace ys::nodes
