// Convolution (batch norm folded): explicit pads, stride, groups, OIHW weights with I =
// channels / groups. Backward: per group dx = col2im(W^T . dy), the backend's own GEMM on
// weights it prepared once per model; depthwise convs (groups = channels) a direct kernel.
#pragma once

#include "common/window_math.h"
#include "nodes/kind.h"
#include "ys/cpu_kernels.h"

namespace ys::nodes {

struct ConvNode : KindDefaults {
  static constexpr NodeKind kind = NodeKind::Conv;
  static constexpr const char* name = "conv";
  static constexpr Inputs inputs = Inputs::One;

  static void read(NodeFields& f, NodeDesc& node) {
    f.enter("conv");
    ConvParams& c = node.conv;
    c.filters = f.integer("filters", 1, kMaxDim);
    c.channels = f.integer("channels", 1, kMaxDim);
    const auto kernel = f.pair("kernel", 1, 1024);
    c.kh = kernel[0];
    c.kw = kernel[1];
    c.stride = f.integer("stride", 1, 1024);
    c.pads = f.pads("pads");
    c.groups = f.integer("groups", 1, kMaxDim);
    if (c.channels % c.groups != 0 || c.filters % c.groups != 0) {
      f.invalid("groups", "must divide both the " + std::to_string(c.channels) + " channels and the " +
                              std::to_string(c.filters) + " filters, got " + std::to_string(c.groups));
    }
    c.weights = f.weights(weightCount(c), weightShape(c));
  }

  static Shape outputShape(const NodeDesc& node, const std::vector<Shape>& in) {
    const ConvParams& c = node.conv;
    if (c.filters <= 0 || c.channels <= 0 || c.kh <= 0 || c.kw <= 0 || c.stride <= 0 || c.groups <= 0) {
      graphError(node, "filters, channels, kernel, stride and groups must be positive");
    }
    if (c.channels % c.groups != 0 || c.filters % c.groups != 0) {
      graphError(node, "groups " + std::to_string(c.groups) + " does not divide " + std::to_string(c.channels) +
                           " channels and " + std::to_string(c.filters) + " filters");
    }
    if (c.pads.top < 0 || c.pads.left < 0 || c.pads.bottom < 0 || c.pads.right < 0) graphError(node, "negative pads");
    if (in[0].c != c.channels) {
      graphError(node, "expects " + std::to_string(c.channels) + " input channels, got " + std::to_string(in[0].c));
    }
    if (!c.weights.data || c.weights.size != weightCount(c)) {
      graphError(node, "weights have " + std::to_string(c.weights.size) + " floats, expected " +
                           std::to_string(weightCount(c)) + " (" + weightShape(c) + ")");
    }
    return Shape{c.filters, common::windowOutputSize(in[0].h, c.kh, c.stride, c.pads.top, c.pads.bottom),
                 common::windowOutputSize(in[0].w, c.kw, c.stride, c.pads.left, c.pads.right)};
  }

  /** One image's geometry, for the backends' conv kernels. */
  static cpu::ConvGeometry geometry(const NodeDesc& node, const Shape& in, const Shape& out) {
    cpu::ConvGeometry g;
    g.c = in.c, g.h = in.h, g.w = in.w;
    g.o = out.c, g.oh = out.h, g.ow = out.w;
    g.kh = node.conv.kh, g.kw = node.conv.kw, g.stride = node.conv.stride, g.pads = node.conv.pads;
    g.groups = node.conv.groups;
    return g;
  }

  template <class Backend>
  static void prepare(Backend& be, int i, const NodeDesc& node, const std::vector<Shape>& shapes) {
    be.prepareConv(i, geometry(node, shapes[std::size_t(node.inputs[0])], shapes[std::size_t(i)]), node.conv.weights.data);
  }

  template <class Walk>
  static void backward(Walk& w, int i, const NodeDesc& node) {
    const int in = node.inputs[0];
    if (!w.needs(in)) return;
    bool accumulate;
    float* dx = w.target(in, accumulate);
    w.backend().convBackwardData(i, w.batch(), w.gradient(i), dx, accumulate);
  }

 private:
  static std::size_t weightCount(const ConvParams& c) {
    return std::size_t(c.filters) * std::size_t(c.channels / c.groups) * c.kh * c.kw;
  }
  /** "OIHW 16x1x3x3" (I = channels / groups), for messages. */
  static std::string weightShape(const ConvParams& c) {
    return "OIHW " + std::to_string(c.filters) + "x" + std::to_string(c.channels / c.groups) + "x" + std::to_string(c.kh) +
           "x" + std::to_string(c.kw);
  }
};

}  // namespace ys::nodes
