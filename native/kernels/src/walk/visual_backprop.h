// VisualBackProp: executes core's plan (ys/vbp_plan.h) once for every device (backend.h).
// Arrivals at a node are added in plan step order then send order (m = m + sent); the seed is
// added after arrivals (m + 1), then m * mean; every sent mask is normalised by its maximum;
// the input's mask is normalised to [0, 1] at the end.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "common/graph_check.h"
#include "ys/graph.h"
#include "ys/span.h"
#include "ys/tape.h"
#include "ys/vbp_plan.h"

namespace ys::walk {

/** Model::visualBackProp on `be` (see ys/model.h). */
template <class Backend>
void visualBackProp(Backend& be, const GraphDesc& graph, const std::vector<Shape>& shapes, const VbpPlan& plan,
                    const TapeView& tape, Span<float> out) {
  using Buffer = typename Backend::Buffer;
  common::checkVbpRequest(graph, shapes, plan, tape, out.size);
  be.begin();
  const int n = tape.batch;
  std::vector<Buffer> masks(graph.nodes.size());
  std::vector<bool> has(graph.nodes.size(), false);
  for (const VbpStep& step : plan.steps) {
    const std::size_t node = std::size_t(step.node);
    const std::int64_t hw = std::int64_t(step.h) * step.w, total = n * hw;
    if (step.seed) {
      if (!has[node]) {
        masks[node] = be.take(std::size_t(total));
        has[node] = true;
        fill(be.exec(), total, 1.0f, Backend::data(masks[node]));
      } else {
        addScalar(be.exec(), total, 1.0f, Backend::data(masks[node]));
      }
    }
    if (!has[node]) continue;
    float* m = Backend::data(masks[node]);
    if (step.multiplyByMean) multiply(be.exec(), total, be.read(tape.nodes[node].mean), m);
    if (step.sends.empty()) {
      vbpNormaliseMinMax(be.exec(), n, hw, m);
      be.store(out, m, n, 1, hw, Layout::Nchw);
      break;
    }
    for (const VbpSend& send : step.sends) {
      const Shape& ts = shapes[std::size_t(send.to)];
      const std::int64_t thw = std::int64_t(ts.h) * ts.w;
      Buffer sent = be.take(std::size_t(n * thw));
      float* s = Backend::data(sent);
      switch (send.op.kind) {
        case VbpOpKind::Identity:
          copy(be.exec(), total, m, s);
          break;
        case VbpOpKind::OnesTransposedConv:
          vbpOnesTransposedConv(be.exec(), n, step.h, step.w, m, send.op, s);
          break;
        case VbpOpKind::AveragePool:
          vbpAveragePool(be.exec(), n, step.h, step.w, send.op.factor, m, s);
          break;
      }
      vbpNormaliseByMax(be.exec(), n, thw, s);
      const std::size_t to = std::size_t(send.to);
      if (!has[to]) {
        masks[to] = std::move(sent);
        has[to] = true;
      } else {
        add(be.exec(), n * thw, s, Backend::data(masks[to]));
        be.give(std::move(sent));
      }
    }
    be.give(std::move(masks[node]));
    has[node] = false;
  }
  be.finish();
  for (std::size_t j = 0; j < masks.size(); ++j) {
    if (has[j]) be.give(std::move(masks[j]));
  }
}

}  // namespace ys::walk
