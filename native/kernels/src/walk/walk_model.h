// A ys::Model on a backend (backend.h): the graph checked once, every node kind's per-model
// data prepared on the backend, then each call runs the one walk (backward.h,
// visual_backprop.h) under the model's mutex. CPU and CUDA models are this class.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

#include "common/graph_check.h"
#include "nodes/registry.h"
#include "walk/backward.h"
#include "walk/visual_backprop.h"
#include "ys/model.h"

namespace ys::walk {

template <class Backend>
class WalkModel final : public Model {
 public:
  /** Checks the graph, then builds the backend from `args` and prepares every node on it. */
  template <class... Args>
  explicit WalkModel(const GraphDesc& graph, Args&&... args) : graph_(graph) {
    shapes_ = common::checkGraph(graph_);
    for (const NodeDesc& node : graph_.nodes) names_.push_back(node.name);
    heads_ = graph_.heads;
    backend_ = std::make_unique<Backend>(graph_.nodes.size(), std::forward<Args>(args)...);
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      NodeDesc& node = graph_.nodes[i];
      nodes::withKind(node.kind, [&](auto kind) { decltype(kind)::prepare(*backend_, int(i), node, shapes_); });
      node.conv.weights = {};  // the caller's memory is not ours to keep
    }
  }

  void backward(const TapeView& tape, const std::vector<ConstSpan<float>>& headGradients, Rule rule, int stopAt,
                Span<float> out, Layout layout) override {
    std::lock_guard<std::mutex> lock(mutex_);
    walk::backward(*backend_, graph_, shapes_, tape, headGradients, rule, stopAt, layout, out);
  }

  void visualBackProp(const VbpPlan& plan, const TapeView& tape, Span<float> out) override {
    std::lock_guard<std::mutex> lock(mutex_);
    walk::visualBackProp(*backend_, graph_, shapes_, plan, tape, out);
  }

  std::size_t memoryBytes() const override { return backend_->memoryBytes(); }
  std::string device() const override { return backend_->device(); }
  int threads() const override { return backend_->threads(); }
  Isa cpuCodePath() const override { return backend_->cpuCodePath(); }

 private:
  GraphDesc graph_;  // weights spans cleared: the backend holds the weights
  std::unique_ptr<Backend> backend_;
  std::mutex mutex_;
};

}  // namespace ys::walk
