// The network input (node 0): its declared shape is the shape; nothing flows further back.
#pragma once

#include "nodes/kind.h"

namespace ys::nodes {

struct InputNode : KindDefaults {
  static constexpr NodeKind kind = NodeKind::Input;
  static constexpr const char* name = "input";
  static constexpr Inputs inputs = Inputs::None;

  static Shape outputShape(const NodeDesc& node, const std::vector<Shape>&) { return node.shape; }

  template <class Walk>
  static void backward(Walk&, int, const NodeDesc&) {}
};

}  // namespace ys::nodes
