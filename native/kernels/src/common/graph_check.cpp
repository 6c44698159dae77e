#include "common/graph_check.h"

#include <string>

#include "common/window_math.h"
#include "ys/status.h"

namespace ys::common {

namespace {

std::string str(const Shape& s) {
  return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

[[noreturn]] void graphError(const NodeDesc& node, const std::string& what) {
  throw Error(ErrorCode::InvalidGraph, "model: " + describeNode(node) + ": " + what);
}

[[noreturn]] void tapeError(const std::string& call, const std::string& what) {
  throw Error(ErrorCode::TapeMismatch, call + ": " + what);
}

Shape deriveShape(const NodeDesc& node, const std::vector<Shape>& in) {
  switch (node.kind) {
    case NodeKind::Input:
      return node.shape;
    case NodeKind::Conv: {
      const ConvParams& c = node.conv;
      if (c.filters <= 0 || c.channels <= 0 || c.kh <= 0 || c.kw <= 0 || c.stride <= 0) {
        graphError(node, "filters, channels, kernel and stride must be positive");
      }
      if (c.pads.top < 0 || c.pads.left < 0 || c.pads.bottom < 0 || c.pads.right < 0) graphError(node, "negative pads");
      if (in[0].c != c.channels) {
        graphError(node, "expects " + std::to_string(c.channels) + " input channels, got " + std::to_string(in[0].c));
      }
      const std::size_t want = std::size_t(c.filters) * c.channels * c.kh * c.kw;
      if (!c.weights.data || c.weights.size != want) {
        graphError(node, "weights have " + std::to_string(c.weights.size) + " floats, expected " + std::to_string(want) +
                             " (OIHW " + std::to_string(c.filters) + "x" + std::to_string(c.channels) + "x" +
                             std::to_string(c.kh) + "x" + std::to_string(c.kw) + ")");
      }
      return Shape{c.filters, windowOutputSize(in[0].h, c.kh, c.stride, c.pads.top, c.pads.bottom),
                   windowOutputSize(in[0].w, c.kw, c.stride, c.pads.left, c.pads.right)};
    }
    case NodeKind::Activation:
    case NodeKind::Yolo:
      return in[0];
    case NodeKind::MaxPool: {
      const MaxPoolParams& p = node.maxpool;
      if (p.size <= 0 || p.stride <= 0) graphError(node, "size and stride must be positive");
      return Shape{in[0].c, windowOutputSize(in[0].h, p.size, p.stride, p.pads.top, p.pads.bottom),
                   windowOutputSize(in[0].w, p.size, p.stride, p.pads.left, p.pads.right)};
    }
    case NodeKind::Upsample:
      if (node.upsampleFactor <= 0) graphError(node, "upsample factor must be positive");
      return Shape{in[0].c, in[0].h * node.upsampleFactor, in[0].w * node.upsampleFactor};
    case NodeKind::Concat: {
      Shape out{0, in[0].h, in[0].w};
      for (const Shape& s : in) {
        if (s.h != out.h || s.w != out.w) graphError(node, "inputs have different sizes");
        out.c += s.c;
      }
      return out;
    }
    case NodeKind::Add:
      for (const Shape& s : in) {
        if (s.c != in[0].c || s.h != in[0].h || s.w != in[0].w) graphError(node, "inputs have different shapes");
      }
      return in[0];
  }
  graphError(node, "unknown node kind");
}

std::size_t batchElements(const Shape& s, int batch) { return std::size_t(batch) * std::size_t(s.elements()); }

template <typename T>
void checkSpan(const std::string& call, const NodeDesc& node, const ConstSpan<T>& span, std::size_t want,
               const char* what) {
  if (!span.data) tapeError(call, describeNode(node) + ": the tape has no " + what);
  if (span.size != want) {
    tapeError(call, describeNode(node) + ": the tape's " + what + " has " + std::to_string(span.size) +
                        " elements, expected " + std::to_string(want));
  }
}

}  // namespace

std::string describeNode(const NodeDesc& node) {
  return "layer '" + node.name + "' (" + nodeKindName(node.kind) + ")";
}

std::vector<Shape> checkGraph(const GraphDesc& graph) {
  if (graph.nodes.empty() || graph.nodes[0].kind != NodeKind::Input) {
    throw Error(ErrorCode::InvalidGraph, "model: the graph must start with its input node");
  }
  std::vector<Shape> shapes;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const NodeDesc& node = graph.nodes[i];
    if (i > 0 && node.kind == NodeKind::Input) graphError(node, "only node 0 may be the input");
    const std::size_t wantInputs = node.kind == NodeKind::Input ? 0 : 1;
    const bool many = node.kind == NodeKind::Concat || node.kind == NodeKind::Add;
    if ((many && node.inputs.empty()) || (!many && node.inputs.size() != wantInputs)) {
      graphError(node, "has " + std::to_string(node.inputs.size()) + " inputs");
    }
    std::vector<Shape> in;
    for (int j : node.inputs) {
      if (j < 0 || std::size_t(j) >= i) graphError(node, "input index " + std::to_string(j) + " is not an earlier layer");
      in.push_back(shapes[std::size_t(j)]);
    }
    const Shape s = deriveShape(node, in);
    if (s.c <= 0 || s.h <= 0 || s.w <= 0) graphError(node, "output shape " + str(s) + " is empty");
    if (s.c != node.shape.c || s.h != node.shape.h || s.w != node.shape.w) {
      graphError(node, "declared output shape " + str(node.shape) + " but the inputs give " + str(s));
    }
    shapes.push_back(s);
  }
  for (int h : graph.heads) {
    if (h < 0 || std::size_t(h) >= graph.nodes.size() || graph.nodes[std::size_t(h)].kind != NodeKind::Yolo) {
      throw Error(ErrorCode::InvalidGraph, "model: head index " + std::to_string(h) + " is not a yolo layer");
    }
  }
  return shapes;
}

std::vector<bool> nodesAfter(const GraphDesc& graph, int stopAt) {
  std::vector<bool> after(graph.nodes.size(), false);
  after[std::size_t(stopAt)] = true;
  for (std::size_t i = std::size_t(stopAt) + 1; i < graph.nodes.size(); ++i) {
    for (int j : graph.nodes[i].inputs) after[i] = after[i] || after[std::size_t(j)];
  }
  return after;
}

void checkBackwardRequest(const GraphDesc& graph, const std::vector<Shape>& shapes, const TapeView& tape,
                          const std::vector<ConstSpan<float>>& headGradients, int stopAt, std::size_t outSize,
                          const std::vector<bool>& needed) {
  const std::string call = "backward";
  if (tape.batch <= 0) tapeError(call, "the tape's batch is " + std::to_string(tape.batch));
  if (tape.nodes.size() != graph.nodes.size()) {
    tapeError(call, "the tape has " + std::to_string(tape.nodes.size()) + " node entries, the model has " +
                        std::to_string(graph.nodes.size()) + " layers");
  }
  if (headGradients.size() != graph.heads.size()) {
    tapeError(call, std::to_string(headGradients.size()) + " head gradients for " + std::to_string(graph.heads.size()) +
                        " heads");
  }
  for (std::size_t k = 0; k < headGradients.size(); ++k) {
    const int h = graph.heads[k];
    const std::size_t want = batchElements(shapes[std::size_t(h)], tape.batch);
    if (!headGradients[k].data || headGradients[k].size != want) {
      tapeError(call, "head " + std::to_string(k) + " (" + describeNode(graph.nodes[std::size_t(h)]) + "): gradient has " +
                          std::to_string(headGradients[k].size) + " floats, expected " + std::to_string(want) + " (" +
                          std::to_string(tape.batch) + "x" + str(shapes[std::size_t(h)]) + ")");
    }
  }
  if (stopAt < 0 || std::size_t(stopAt) >= graph.nodes.size()) {
    throw Error(ErrorCode::InvalidArgument, call + ": stopAt " + std::to_string(stopAt) + " is not a layer index");
  }
  const std::size_t wantOut = batchElements(shapes[std::size_t(stopAt)], tape.batch);
  if (outSize != wantOut) {
    throw Error(ErrorCode::InvalidArgument, call + ": the output buffer has " + std::to_string(outSize) +
                                                " floats, expected " + std::to_string(wantOut));
  }
  for (std::size_t i = std::size_t(stopAt) + 1; i < graph.nodes.size(); ++i) {
    const NodeDesc& node = graph.nodes[i];
    if (!needed[i]) continue;
    const NodeTape& t = tape.nodes[i];
    const std::size_t n = batchElements(shapes[i], tape.batch);
    if (node.kind == NodeKind::Activation) {
      if (node.activation.kind == Activation::Leaky || node.activation.kind == Activation::Relu) {
        checkSpan(call, node, t.signs, n, "sign bytes");
      } else if (node.activation.kind == Activation::Logistic) {
        checkSpan(call, node, t.logistic, n, "logistic output");
      }
    } else if (node.kind == NodeKind::MaxPool) {
      if (t.argmax64.data) {
        checkSpan(call, node, t.argmax64, n, "argmax indices");
      } else {
        checkSpan(call, node, t.argmax32, n, "argmax indices");
      }
    }
  }
}

void checkVbpRequest(const GraphDesc& graph, const std::vector<Shape>& shapes, const VbpPlan& plan,
                     const TapeView& tape, std::size_t outSize) {
  const std::string call = "visualBackProp";
  auto planError = [&](const std::string& what) { throw Error(ErrorCode::InvalidArgument, call + ": plan " + what); };
  if (tape.batch <= 0) tapeError(call, "the tape's batch is " + std::to_string(tape.batch));
  if (tape.nodes.size() != graph.nodes.size()) {
    tapeError(call, "the tape has " + std::to_string(tape.nodes.size()) + " node entries, the model has " +
                        std::to_string(graph.nodes.size()) + " layers");
  }
  if (plan.steps.empty() || plan.steps.back().node != 0 || !plan.steps.back().sends.empty()) {
    planError("must end with the input node (index 0) and no sends");
  }
  const std::size_t wantOut = std::size_t(tape.batch) * std::size_t(shapes[0].h) * std::size_t(shapes[0].w);
  if (outSize != wantOut) {
    throw Error(ErrorCode::InvalidArgument, call + ": the output buffer has " + std::to_string(outSize) +
                                                " floats, expected " + std::to_string(wantOut));
  }
  int previous = int(graph.nodes.size());
  for (const VbpStep& step : plan.steps) {
    if (step.node < 0 || step.node >= previous) planError("steps must visit distinct layers in descending order");
    previous = step.node;
    const NodeDesc& node = graph.nodes[std::size_t(step.node)];
    const Shape& s = shapes[std::size_t(step.node)];
    const std::string where = "step at " + describeNode(node);
    if (step.h != s.h || step.w != s.w) planError(where + ": size does not match the model");
    if (step.multiplyByMean) {
      checkSpan(call, node, tape.nodes[std::size_t(step.node)].mean, std::size_t(tape.batch) * std::size_t(s.h) * s.w,
                "VisualBackProp mean map");
    }
    for (const VbpSend& send : step.sends) {
      if (send.to < 0 || send.to >= step.node) planError(where + ": sends to a later layer");
      const Shape& t = shapes[std::size_t(send.to)];
      const VbpEdgeOp& op = send.op;
      switch (op.kind) {
        case VbpOpKind::Identity:
          if (t.h != s.h || t.w != s.w) planError(where + ": identity send between different sizes");
          break;
        case VbpOpKind::OnesTransposedConv:
          if (op.kh <= 0 || op.kw <= 0 || op.stride <= 0 || op.inputH != t.h || op.inputW != t.w ||
              windowOutputSize(t.h, op.kh, op.stride, op.pads.top, op.pads.bottom) != s.h ||
              windowOutputSize(t.w, op.kw, op.stride, op.pads.left, op.pads.right) != s.w) {
            planError(where + ": transposed-conv geometry does not match the model");
          }
          break;
        case VbpOpKind::AveragePool:
          if (op.factor <= 0 || s.h != t.h * op.factor || s.w != t.w * op.factor) {
            planError(where + ": average-pool factor does not match the model");
          }
          break;
      }
    }
  }
}

}  // namespace ys::common
