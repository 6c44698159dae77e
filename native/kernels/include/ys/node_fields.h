// Reading a node's parameters from a caller's description (the binding's JS objects), written
// once per node kind (src/nodes/<kind>.h) against this small reader interface, so the binding
// has no per-kind code: it only implements NodeFields over its own objects.
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "ys/graph.h"
#include "ys/span.h"

namespace ys {

class NodeFields {
 public:
  virtual ~NodeFields() = default;
  /** Later reads come from the object under `key` of the node (a kind's parameters object). */
  virtual void enter(const char* key) = 0;
  /** An integer in [min, max]. */
  virtual int integer(const char* key, int min, int max) = 0;
  virtual float number(const char* key) = 0;
  virtual std::string text(const char* key) = 0;
  /** Two integers in [min, max], e.g. a kernel [kh, kw]. */
  virtual std::array<int, 2> pair(const char* key, int min, int max) = 0;
  /** {top, left, bottom, right}, each >= 0. */
  virtual Pads pads(const char* key) = 0;
  /** The node's weights: exactly `expected` floats; `shape` describes them for messages
   *  ("OIHW 16x8x3x3"). The span must stay valid while the model is being created. */
  virtual ConstSpan<float> weights(std::size_t expected, const std::string& shape) = 0;
  /** A value that was read but is not allowed (e.g. an unknown activation). Throws. */
  [[noreturn]] virtual void invalid(const char* key, const std::string& why) = 0;
};

/** Reads the parameters of node.kind (set first) into `node` (its per-kind fields). */
void readNodeParams(NodeFields& fields, NodeDesc& node);

}  // namespace ys
