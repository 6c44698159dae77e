// JS graph description (src/binding-types.ts NativeGraphDesc + NativeWeights) -> ys::GraphDesc.
// What a node kind's description holds is read by its own module in the kernel library
// (kernels/src/nodes, through ys::NodeFields); this file knows no node kind.
#pragma once

#include <napi.h>

#include "ys/graph.h"

namespace ysnode {

/** Conv weight spans point into the JS typed arrays: valid while the call that made them
 *  runs on the main thread (model creation copies them). */
ys::GraphDesc readGraphDesc(Napi::Env env, Napi::Value graph, Napi::Value weights);

/** {top, left, bottom, right} -> ys::Pads. */
ys::Pads readPads(Napi::Env env, Napi::Value v, const std::string& what);

}  // namespace ysnode
