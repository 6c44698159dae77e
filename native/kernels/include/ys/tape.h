// What the forward (ONNX Runtime) recorded, as host pointers the caller owns. One entry per
// graph node (TapeView::nodes.size() == GraphDesc::nodes.size()); entries a call does not
// need may stay empty. Every span's size is checked against batch x the node's shape.
//
// Layouts (N = batch, per-node shapes from GraphDesc, all NCHW, row-major):
//   Activation Leaky/Relu : signs    uint8 [N,C,H,W] of the activation's INPUT, 1 = x > 0,
//                           0 otherwise (ONNX bool tensors have exactly this layout).
//   Activation Logistic   : output   float [N,C,H,W], the activation's OUTPUT s = sigmoid(x).
//   Activation Mish/Swish : input    float [N,C,H,W], the activation's INPUT x.
//   MaxPool               : argmax   int32 [N,C,oh,ow]: for each pooled output, the offset
//                           y*W + x of the winning input pixel within its own (n, c) plane
//                           of the H x W input (what core's ONNX export records; checked).
//   any VBP mean node     : mean     float [N,1,H,W] = max(0, channel mean of the output).
#pragma once

#include <cstdint>
#include <vector>

#include "ys/span.h"

namespace ys {

struct NodeTape {
  ConstSpan<std::uint8_t> signs;
  ConstSpan<float> output;
  ConstSpan<float> input;
  ConstSpan<std::int32_t> argmax;
  ConstSpan<float> mean;
};

struct TapeView {
  int batch = 0;
  std::vector<NodeTape> nodes;
};

}  // namespace ys
