// What every node-kind module (this folder, one file per kind) provides, and the helpers they
// share. A module is a struct with:
//   kind, name                 the NodeKind and its name in the IR and the binding ("conv")
//   inputs                     how many inputs it takes (None, One, Many)
//   read(fields, node)         its parameters from the binding's description (ys/node_fields.h)
//   outputShape(node, in)      checks its parameters against its inputs' shapes, returns its own
//   checkTape(call, node, t, elements)   that the tape holds what its backward reads
//   prepare(backend, i, node, shapes)    per-model data on a backend (conv weights)
//   backward(walk, i, node)    its backward step: gradient of node i -> its inputs, through the
//                              walk (src/walk/backward_walk.h) and the backend's kernels
// KindDefaults supplies the ones a kind does not need. registry.h lists the modules.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ys/graph.h"
#include "ys/node_fields.h"
#include "ys/span.h"
#include "ys/status.h"
#include "ys/tape.h"

namespace ys::nodes {

enum class Inputs { None, One, Many };

/** "layer 'conv_3' (conv)" */
inline std::string describeNode(const NodeDesc& node) {
  return "layer '" + node.name + "' (" + nodeKindName(node.kind) + ")";
}

[[noreturn]] inline void graphError(const NodeDesc& node, const std::string& what) {
  throw Error(ErrorCode::InvalidGraph, "model: " + describeNode(node) + ": " + what);
}

/** `call`: the node's tape entry `span` must hold `want` elements of `what`. */
template <typename T>
void requireTape(const char* call, const NodeDesc& node, const ConstSpan<T>& span, std::size_t want, const char* what) {
  if (!span.data) {
    throw Error(ErrorCode::TapeMismatch, std::string(call) + ": " + describeNode(node) + ": the tape has no " + what);
  }
  if (span.size != want) {
    throw Error(ErrorCode::TapeMismatch, std::string(call) + ": " + describeNode(node) + ": the tape's " + what + " has " +
                                             std::to_string(span.size) + " elements, expected " + std::to_string(want));
  }
}

struct KindDefaults {
  static void read(NodeFields&, NodeDesc&) {}
  static void checkTape(const char*, const NodeDesc&, const NodeTape&, std::size_t) {}
  template <class Backend>
  static void prepare(Backend&, int, const NodeDesc&, const std::vector<Shape>&) {}
};

/** Largest channel count or spatial size a description may declare. */
constexpr int kMaxDim = 1 << 20;

}  // namespace ys::nodes
