// Route / concat along channels. Backward hands each input its slice of channels.
#pragma once

#include "nodes/kind.h"

namespace ys::nodes {

struct ConcatNode : KindDefaults {
  static constexpr NodeKind kind = NodeKind::Concat;
  static constexpr const char* name = "concat";
  static constexpr Inputs inputs = Inputs::Many;

  static Shape outputShape(const NodeDesc& node, const std::vector<Shape>& in) {
    Shape out{0, in[0].h, in[0].w};
    for (const Shape& s : in) {
      if (s.h != out.h || s.w != out.w) graphError(node, "inputs have different sizes");
      out.c += s.c;
    }
    return out;
  }

  template <class Walk>
  static void backward(Walk& w, int i, const NodeDesc& node) {
    const Shape& s = w.shape(i);
    int c0 = 0;
    for (int in : node.inputs) {
      const Shape& is = w.shape(in);
      if (w.needs(in)) {
        bool accumulate;
        float* dx = w.target(in, accumulate);
        channelSliceBackward(w.exec(), w.batch(), s.c, c0, is.c, std::int64_t(s.h) * s.w, w.gradient(i), dx, accumulate);
      }
      c0 += is.c;
    }
  }
};

}  // namespace ys::nodes
