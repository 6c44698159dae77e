// VisualBackProp plan: a C++ mirror of packages/core/src/algorithms/vbp-plan.ts (VbpPlan),
// which holds the definition. Model::visualBackProp executes it step by step.
#pragma once

#include <vector>

#include "ys/graph.h"

namespace ys {

enum class VbpOpKind { Identity, OnesTransposedConv, AveragePool };

struct VbpEdgeOp {
  VbpOpKind kind = VbpOpKind::Identity;
  // OnesTransposedConv: window geometry of the conv / maxpool, and the size [h, w] of the
  // input the mask is sent to (the transposed conv is cropped to it).
  int kh = 1;
  int kw = 1;
  int stride = 1;
  Pads pads;
  int inputH = 0;
  int inputW = 0;
  // AveragePool: the upsample factor.
  int factor = 1;
};

struct VbpSend {
  int to = 0;  // node index receiving the mask
  VbpEdgeOp op;
};

struct VbpStep {
  int node = 0;
  int h = 0;  // mask size at this node's output
  int w = 0;
  bool seed = false;            // add a mask of ones here (input of a yolo head)
  bool multiplyByMean = false;  // multiply by this node's mean map (tape.nodes[node].mean)
  std::vector<VbpSend> sends;   // empty only for the last step (the input node)
};

struct VbpPlan {
  std::vector<int> meanNodes;  // ascending; informational (each step says what it needs)
  std::vector<VbpStep> steps;  // in execution order; the last is node 0
};

}  // namespace ys
