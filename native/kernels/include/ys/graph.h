// The model graph as the kernels see it: the IR of packages/core/src/graph/types.ts, per
// image in NCHW. Nodes are in topological order (inputs are indices of earlier nodes);
// nodes[0] is the single input node. Each node carries its output shape for one image,
// which Model creation re-derives from the inputs and checks (a mismatch names the layer).
//
// Each node kind lives in one module, src/nodes/<kind>.h (its name, parameters, shape rule,
// what the backward reads from the tape, its backward step), listed in src/nodes/registry.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ys/span.h"

namespace ys {

enum class NodeKind : std::uint8_t { Input, Conv, Activation, MaxPool, Upsample, Concat, Slice, Add, Yolo };
enum class Activation : std::uint8_t { Leaky, Linear, Logistic, Relu, Mish, Swish };

/** How the backward pass treats activations (as in runtime-tfjs; docs/guided-backprop.md):
 *  Plain : g_in = g_out * f'(x): leaky (x > 0 ? 1 : alpha); relu [x > 0]; logistic s * (1 - s);
 *          linear 1; mish tanh(sp) + x * (1 - tanh(sp)^2) * sigmoid(x), sp = softplus(x);
 *          swish s + x * s * (1 - s), s = sigmoid(x).
 *  Guided: at the rectifiers (leaky, relu, mish, swish) g_in = max(g_out, 0) * f'(x) * [x > 0]
 *          (for leaky and relu: max(g_out, 0) * [x > 0]); logistic and linear as Plain. */
enum class Rule : std::uint8_t { Plain, Guided };

/** Layout of the tensors a caller hands to or takes from a backward (head gradients, the
 *  returned gradient). The walk itself is NCHW; an NHWC caller's transpose is folded into the
 *  copies at its entry and exit. */
enum class Layout : std::uint8_t { Nchw, Nhwc };

/** Zero padding around a window op's input, in pixels. Asymmetric pads are first-class. */
struct Pads {
  int top = 0;
  int left = 0;
  int bottom = 0;
  int right = 0;
};

/** One image's tensor shape, NCHW without N. */
struct Shape {
  int c = 0;
  int h = 0;
  int w = 0;
  std::int64_t elements() const { return std::int64_t(c) * h * w; }
};

struct ConvParams {
  int filters = 0;   // O
  int channels = 0;  // C (input channels)
  int kh = 1;
  int kw = 1;
  int stride = 1;
  Pads pads;
  /** Grouped convolution: channels and filters split into `groups` equal parts, part g of the
   *  output reading only part g of the input. 1: a plain conv; = channels: depthwise (filter
   *  c*M + m reads input channel c, M = filters / channels). Divides channels and filters. */
  int groups = 1;
  /** OIHW with I = channels / groups: filters*(channels/groups)*kh*kw floats, batch norm
   *  folded. Copied (repacked) by Model creation: the memory only has to live until
   *  createCpuModel returns. Bias is not needed by any backward pass, so it is not passed. */
  ConstSpan<float> weights;
};

struct ActivationParams {
  Activation kind = Activation::Linear;
  float alpha = 0.1f;  // negative slope of Leaky
};

/** Max pooling the darknet/ONNX way: the max over valid pixels only; pads say how far the
 *  window reaches before the first pixel (top/left) and after the last (bottom/right). */
struct MaxPoolParams {
  int size = 2;
  int stride = 2;
  Pads pads;
};

/** Channels [start, start + count) of the single input (darknet's channel-split route). */
struct SliceParams {
  int start = 0;
  int count = 1;
};

struct NodeDesc {
  std::string name;  // for messages: "layer 'conv_12': ..."
  NodeKind kind = NodeKind::Input;
  std::vector<int> inputs;
  Shape shape;  // output shape of one image
  ConvParams conv;              // kind == Conv
  ActivationParams activation;  // kind == Activation
  MaxPoolParams maxpool;        // kind == MaxPool
  int upsampleFactor = 2;       // kind == Upsample (nearest, integer)
  SliceParams slice;            // kind == Slice
};

struct GraphDesc {
  std::vector<NodeDesc> nodes;
  /** Indices of the Yolo nodes in head order. */
  std::vector<int> heads;
};

/** Short name of a node kind ("conv", "maxpool", ...), as in the TypeScript IR. */
const char* nodeKindName(NodeKind kind) noexcept;

/** The inverse of nodeKindName; false for any other text. */
bool parseNodeKind(const std::string& name, NodeKind& out) noexcept;

/** Every node kind name, comma-separated, for messages ("input, conv, ..."). */
std::string nodeKindNames();

}  // namespace ys
