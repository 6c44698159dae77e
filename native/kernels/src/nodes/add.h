// Shortcut / elementwise sum. Backward passes the gradient unchanged to every input.
#pragma once

#include "nodes/kind.h"

namespace ys::nodes {

struct AddNode : KindDefaults {
  static constexpr NodeKind kind = NodeKind::Add;
  static constexpr const char* name = "add";
  static constexpr Inputs inputs = Inputs::Many;

  static Shape outputShape(const NodeDesc& node, const std::vector<Shape>& in) {
    for (const Shape& s : in) {
      if (s.c != in[0].c || s.h != in[0].h || s.w != in[0].w) graphError(node, "inputs have different shapes");
    }
    return in[0];
  }

  template <class Walk>
  static void backward(Walk& w, int i, const NodeDesc& node) {
    for (std::size_t k = 0; k < node.inputs.size(); ++k) {
      const int in = node.inputs[k];
      if (w.needs(in)) w.pass(i, in, k + 1 == node.inputs.size());
    }
  }
};

}  // namespace ys::nodes
