// Activations: leaky (slope alpha), linear, logistic, relu, mish, swish. Backward under a rule
// (graph.h): leaky and relu read the sign bytes of their input, logistic its output, mish and
// swish their input, linear nothing.
#pragma once

#include "nodes/kind.h"
#include "ys/cpu_kernels.h"

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
    else if (fn == "mish") node.activation.kind = Activation::Mish;
    else if (fn == "swish") node.activation.kind = Activation::Swish;
    else f.invalid("kind", "'" + fn + "' is not an activation (leaky, linear, logistic, relu, mish, swish)");
    node.activation.alpha = f.number("alpha");
  }

  static Shape outputShape(const NodeDesc&, const std::vector<Shape>& in) { return in[0]; }

  static void checkTape(const char* call, const NodeDesc& node, const NodeTape& t, std::size_t elements) {
    switch (reads(node)) {
      case Reads::Signs: requireTape(call, node, t.signs, elements, "sign bytes"); break;
      case Reads::Output: requireTape(call, node, t.output, elements, "activation output"); break;
      case Reads::Input: requireTape(call, node, t.input, elements, "activation input"); break;
      case Reads::Nothing: break;
    }
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
    cpu::ActivationSaved saved;
    switch (reads(node)) {
      case Reads::Signs: saved.signs = w.backend().read(t.signs); break;
      case Reads::Output: saved.output = w.backend().read(t.output); break;
      case Reads::Input: saved.input = w.backend().read(t.input); break;
      case Reads::Nothing: break;
    }
    bool accumulate;
    float* dx = w.target(in, accumulate);
    activationBackward(w.exec(), node.activation, w.rule(), w.count(i), w.gradient(i), saved, dx, accumulate);
  }

 private:
  /** What the backward reads from the tape (core's ActivationTape: 'sign', 'output', 'input'). */
  enum class Reads { Nothing, Signs, Output, Input };
  static Reads reads(const NodeDesc& node) {
    switch (node.activation.kind) {
      case Activation::Leaky:
      case Activation::Relu: return Reads::Signs;
      case Activation::Logistic: return Reads::Output;
      case Activation::Mish:
      case Activation::Swish: return Reads::Input;
      case Activation::Linear: break;
    }
    return Reads::Nothing;
  }
};

}  // namespace ys::nodes
