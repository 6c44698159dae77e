// The node kinds, one module each. Adding a kind: its NodeKind value (ys/graph.h), its module
// here, its entry in AllKinds, and its kernels in each backend (src/cpu, src/cuda).
#pragma once

#include "nodes/activation.h"
#include "nodes/add.h"
#include "nodes/concat.h"
#include "nodes/conv.h"
#include "nodes/input.h"
#include "nodes/maxpool.h"
#include "nodes/slice.h"
#include "nodes/upsample.h"
#include "nodes/yolo.h"
#include "ys/status.h"

namespace ys::nodes {

template <class... Kinds>
struct KindList {};

using AllKinds =
    KindList<InputNode, ConvNode, ActivationNode, MaxPoolNode, UpsampleNode, ConcatNode, SliceNode, AddNode, YoloNode>;

namespace detail {
template <class F, class... Kinds>
void dispatch(KindList<Kinds...>, NodeKind kind, F&& f) {
  const bool found = ((Kinds::kind == kind ? (f(Kinds{}), true) : false) || ...);
  if (!found) throw Error(ErrorCode::InvalidGraph, "model: unknown node kind " + std::to_string(int(kind)));
}

template <class F, class... Kinds>
void forEach(KindList<Kinds...>, F&& f) {
  (f(Kinds{}), ...);
}
}  // namespace detail

/** f(Module{}) with the module of `kind` (the module's members are static). */
template <class F>
void withKind(NodeKind kind, F&& f) {
  detail::dispatch(AllKinds{}, kind, std::forward<F>(f));
}

/** f(Module{}) for every kind, in AllKinds order. */
template <class F>
void forEachKind(F&& f) {
  detail::forEach(AllKinds{}, std::forward<F>(f));
}

}  // namespace ys::nodes
