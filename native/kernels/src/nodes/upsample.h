// Nearest upsampling by an integer factor. Backward sums each factor x factor block.
#pragma once

#include "nodes/kind.h"

namespace ys::nodes {

struct UpsampleNode : KindDefaults {
  static constexpr NodeKind kind = NodeKind::Upsample;
  static constexpr const char* name = "upsample";
  static constexpr Inputs inputs = Inputs::One;

  static void read(NodeFields& f, NodeDesc& node) {
    f.enter("upsample");
    node.upsampleFactor = f.integer("factor", 1, 1024);
  }

  static Shape outputShape(const NodeDesc& node, const std::vector<Shape>& in) {
    if (node.upsampleFactor <= 0) graphError(node, "upsample factor must be positive");
    return Shape{in[0].c, in[0].h * node.upsampleFactor, in[0].w * node.upsampleFactor};
  }

  template <class Walk>
  static void backward(Walk& w, int i, const NodeDesc& node) {
    const int in = node.inputs[0];
    if (!w.needs(in)) return;
    const Shape& is = w.shape(in);
    bool accumulate;
    float* dx = w.target(in, accumulate);
    upsampleBackward(w.exec(), w.batch(), is.c, is.h, is.w, node.upsampleFactor, w.gradient(i), dx, accumulate);
  }
};

}  // namespace ys::nodes
