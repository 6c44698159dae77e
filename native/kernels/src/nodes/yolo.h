// A detection head: computes nothing (its output is its input, the raw head tensor), so its
// gradient passes straight through. Its decoding lives in TypeScript (core).
#pragma once

#include "nodes/kind.h"

namespace ys::nodes {

struct YoloNode : KindDefaults {
  static constexpr NodeKind kind = NodeKind::Yolo;
  static constexpr const char* name = "yolo";
  static constexpr Inputs inputs = Inputs::One;

  static Shape outputShape(const NodeDesc&, const std::vector<Shape>& in) { return in[0]; }

  template <class Walk>
  static void backward(Walk& w, int i, const NodeDesc& node) {
    if (w.needs(node.inputs[0])) w.pass(i, node.inputs[0], true);
  }
};

}  // namespace ys::nodes
