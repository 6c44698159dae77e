// Activations: leaky (slope alpha), linear, logistic, relu. Backward under a rule (graph.h):
// leaky and relu read the sign bytes of their input, logistic its output, linear nothing.
#pragma once

#include "nodes/kind.h"

namespace ys::nodes {

struct ActivationNode : KindDefaults {
  static constexpr NodeKind kind = NodeKind::Activation;
  static constexpr const char* name = "activation";
  static constexpr Inputs inputs = Inputs::One;

  static void read(NodeFields& f, NodeDesc& node) {
    f.enter("activation");
    const std::string fn = f.text("kind");
    if (fn == "leaky") node.activation.kind = Activation::Leaky;
    else if (fn == "linear") node.activation.kind = Activation::Linear;
    else if (fn == "logistic") node.activation.kind = Activation::Logistic;
    else if (fn == "relu") node.activation.kind = Activation::Relu;
    else f.invalid("kind", "'" + fn + "' is not an activation (leaky, linear, logistic, relu)");
    node.activation.alpha = f.number("alpha");
  }

  static Shape outputShape(const NodeDesc&, const std::vector<Shape>& in) { return in[0]; }

  static void checkTape(const char* call, const NodeDesc& node, const NodeTape& t, std::size_t elements) {
    if (readsSigns(node)) requireTape(call, node, t.signs, elements, "sign bytes");
    if (node.activation.kind == Activation::Logistic) requireTape(call, node, t.logistic, elements, "logistic output");
  }

  template <class Walk>
  static void backward(Walk& w, int i, const NodeDesc& node) {
    const int in = node.inputs[0];
    if (!w.needs(in)) return;
    if (node.activation.kind == Activation::Linear) {
      w.pass(i, in, true);
      return;
    }
    const NodeTape& t = w.tape(i);
    const std::uint8_t* signs = readsSigns(node) ? w.backend().read(t.signs) : nullptr;
    const float* logistic = node.activation.kind == Activation::Logistic ? w.backend().read(t.logistic) : nullptr;
    bool accumulate;
    float* dx = w.target(in, accumulate);
    activationBackward(w.exec(), node.activation, w.rule(), w.count(i), w.gradient(i), signs, logistic, dx, accumulate);
  }

 private:
  static bool readsSigns(const NodeDesc& node) {
    return node.activation.kind == Activation::Leaky || node.activation.kind == Activation::Relu;
  }
};

}  // namespace ys::nodes
