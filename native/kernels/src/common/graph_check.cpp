#include "common/graph_check.h"

#include <string>

#include "common/window_math.h"
#include "nodes/registry.h"
#include "ys/status.h"

namespace ys::common {

namespace {

std::string str(const Shape& s) {
  return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

[[noreturn]] void tapeError(const std::string& call, const std::string& what) {
  throw Error(ErrorCode::TapeMismatch, call + ": " + what);
}

std::size_t batchElements(const Shape& s, int batch) { return std::size_t(batch) * std::size_t(s.elements()); }

}  // namespace

std::vector<Shape> checkGraph(const GraphDesc& graph) {
  if (graph.nodes.empty() || graph.nodes[0].kind != NodeKind::Input) {
    throw Error(ErrorCode::InvalidGraph, "model: the graph must start with its input node");
  }
  std::vector<Shape> shapes;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const NodeDesc& node = graph.nodes[i];
    if (i > 0 && node.kind == NodeKind::Input) nodes::graphError(node, "only node 0 may be the input");
    nodes::Inputs arity = nodes::Inputs::None;
    nodes::withKind(node.kind, [&](auto k) { arity = decltype(k)::inputs; });
    const bool ok = arity == nodes::Inputs::None  ? node.inputs.empty()
                    : arity == nodes::Inputs::One ? node.inputs.size() == 1
                                                  : !node.inputs.empty();
    if (!ok) nodes::graphError(node, "has " + std::to_string(node.inputs.size()) + " inputs");
    std::vector<Shape> in;
    for (int j : node.inputs) {
      if (j < 0 || std::size_t(j) >= i) nodes::graphError(node, "input index " + std::to_string(j) + " is not an earlier layer");
      in.push_back(shapes[std::size_t(j)]);
    }
    Shape s;
    nodes::withKind(node.kind, [&](auto k) { s = decltype(k)::outputShape(node, in); });
    if (s.c <= 0 || s.h <= 0 || s.w <= 0) nodes::graphError(node, "output shape " + str(s) + " is empty");
    if (s.c != node.shape.c || s.h != node.shape.h || s.w != node.shape.w) {
      nodes::graphError(node, "declared output shape " + str(node.shape) + " but the inputs give " + str(s));
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
      tapeError(call, "head " + std::to_string(k) + " (" + nodes::describeNode(graph.nodes[std::size_t(h)]) + "): gradient has " +
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
    if (!needed[i]) continue;
    const NodeDesc& node = graph.nodes[i];
    const std::size_t elements = batchElements(shapes[i], tape.batch);
    nodes::withKind(node.kind, [&](auto k) { decltype(k)::checkTape(call.c_str(), node, tape.nodes[i], elements); });
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
    const std::string where = "step at " + nodes::describeNode(node);
    if (step.h != s.h || step.w != s.w) planError(where + ": size does not match the model");
    if (step.multiplyByMean) {
      nodes::requireTape(call.c_str(), node, tape.nodes[std::size_t(step.node)].mean, std::size_t(tape.batch) * std::size_t(s.h) * s.w,
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
