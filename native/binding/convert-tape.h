// JS tape / means / head gradients / VBP plan -> the library's views. The typed arrays are
// not copied: they are pinned (a reference each) until the worker that reads them is done.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "ys/span.h"
#include "ys/tape.h"
#include "ys/vbp_plan.h"

namespace ysnode {

/** Keeps the JS arrays behind raw pointers alive; destroyed on the main thread. */
class Pins {
 public:
  void add(Napi::Value v) { refs_.push_back(Napi::Persistent(v)); }

 private:
  std::vector<Napi::Reference<Napi::Value>> refs_;
};

// Only types are checked here; counts and sizes against the model are checked once, by the
// kernel library (common/graph_check), on the worker thread.

/** `call` names the JS call in messages ("backward", "visualBackProp"). */
ys::TapeView readTape(Napi::Env env, Napi::Value tape, const char* call, Pins& pins);

/** Head gradients {dims, data} (data: Float32Array), in head order. */
std::vector<ys::ConstSpan<float>> readHeadGradients(Napi::Env env, Napi::Value grads, Pins& pins);

/** core's VbpPlan (packages/core/src/algorithms/vbp-plan.ts) as is. */
ys::VbpPlan readVbpPlan(Napi::Env env, Napi::Value plan, int nodeCount);

}  // namespace ysnode
