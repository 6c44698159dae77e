// Validation shared by every device's Model: the graph when a model is created, the tape,
// head gradients and plans on every call. Each failure is a ys::Error with one line naming
// the call and the layer. What is specific to a node kind (its shape rule, what its backward
// reads from the tape) lives in the kind's module (src/nodes).
#pragma once

#include <string>
#include <vector>

#include "ys/graph.h"
#include "ys/span.h"
#include "ys/tape.h"
#include "ys/vbp_plan.h"

namespace ys::common {

/** Re-derives every node's output shape from its inputs and compares with node.shape; checks
 *  inputs, parameters, weights sizes and heads. Returns the shapes. */
std::vector<Shape> checkGraph(const GraphDesc& graph);

/** Checks tape.batch, tape.nodes.size(), head gradient sizes, stopAt and out size, and that
 *  the tape holds what the backward will read at each node it visits (`needed[i]`: node i's
 *  gradient is computed). */
void checkBackwardRequest(const GraphDesc& graph, const std::vector<Shape>& shapes, const TapeView& tape,
                          const std::vector<ConstSpan<float>>& headGradients, int stopAt, std::size_t outSize,
                          const std::vector<bool>& needed);

/** Nodes whose output gradient a backward stopping at `stopAt` computes: stopAt itself and
 *  every node that depends on it (others cannot reach stopAt). */
std::vector<bool> nodesAfter(const GraphDesc& graph, int stopAt);

/** Checks a VBP plan against the graph (node indices, sizes, ops) and the tape's mean maps. */
void checkVbpRequest(const GraphDesc& graph, const std::vector<Shape>& shapes, const VbpPlan& plan,
                     const TapeView& tape, std::size_t outSize);

}  // namespace ys::common
