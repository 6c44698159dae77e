#include "convert-tape.h"

#include <string>

#include "convert-graph.h"
#include "js-args.h"

namespace ysnode {

namespace {

template <typename T>
ys::ConstSpan<T> pinned(Napi::TypedArray a, Pins& pins) {
  pins.add(a);
  return ys::ConstSpan<T>(typedArrayData<const T>(a), a.ElementLength());
}

}  // namespace

ys::TapeView readTape(Napi::Env env, Napi::Value value, const char* call, Pins& pins) {
  const std::string name = std::string(call) + ": ";
  const auto tape = requireObject(env, value, name + "tape");
  ys::TapeView view;
  view.batch = requireInt(env, tape.Get("batch"), name + "tape.batch", 1, 1 << 16);
  const auto nodes = requireArray(env, tape.Get("nodes"), name + "tape.nodes");
  view.nodes.resize(nodes.Length());
  for (uint32_t i = 0; i < nodes.Length(); i++) {
    const auto v = nodes.Get(i);
    if (isAbsent(v)) continue;
    const std::string where = name + "tape.nodes[" + std::to_string(i) + "]";
    const auto entry = requireObject(env, v, where);
    auto& out = view.nodes[i];
    if (!isAbsent(entry.Get("signs"))) {
      out.signs = pinned<std::uint8_t>(requireTypedArray(env, entry.Get("signs"), napi_uint8_array, "Uint8Array", where + ".signs"), pins);
    }
    if (!isAbsent(entry.Get("output"))) {
      out.output = pinned<float>(requireTypedArray(env, entry.Get("output"), napi_float32_array, "Float32Array", where + ".output"), pins);
    }
    if (!isAbsent(entry.Get("input"))) {
      out.input = pinned<float>(requireTypedArray(env, entry.Get("input"), napi_float32_array, "Float32Array", where + ".input"), pins);
    }
    if (!isAbsent(entry.Get("mean"))) {
      out.mean = pinned<float>(requireTypedArray(env, entry.Get("mean"), napi_float32_array, "Float32Array", where + ".mean"), pins);
    }
    if (!isAbsent(entry.Get("argmax"))) {
      out.argmax = pinned<std::int32_t>(requireTypedArray(env, entry.Get("argmax"), napi_int32_array, "Int32Array", where + ".argmax"), pins);
    }
  }
  return view;
}

std::vector<ys::ConstSpan<float>> readHeadGradients(Napi::Env env, Napi::Value value, Pins& pins) {
  const auto grads = requireArray(env, value, "backward: headGradients");
  std::vector<ys::ConstSpan<float>> spans;
  for (uint32_t k = 0; k < grads.Length(); k++) {
    const std::string where = "backward: head gradient " + std::to_string(k);
    const auto tensor = requireObject(env, grads.Get(k), where);
    spans.push_back(pinned<float>(requireTypedArray(env, tensor.Get("data"), napi_float32_array, "Float32Array", where + " data"), pins));
  }
  return spans;
}

ys::VbpPlan readVbpPlan(Napi::Env env, Napi::Value value, int nodeCount) {
  const auto plan = requireObject(env, value, "visualBackProp: plan");
  ys::VbpPlan out;
  const auto meanNodes = requireArray(env, plan.Get("meanNodes"), "visualBackProp: plan.meanNodes");
  for (uint32_t i = 0; i < meanNodes.Length(); i++) {
    out.meanNodes.push_back(requireInt(env, meanNodes.Get(i), "visualBackProp: plan.meanNodes[" + std::to_string(i) + "]", 0, nodeCount - 1));
  }
  const auto steps = requireArray(env, plan.Get("steps"), "visualBackProp: plan.steps");
  if (steps.Length() == 0) throwType(env, "visualBackProp: plan.steps is empty");
  for (uint32_t i = 0; i < steps.Length(); i++) {
    const std::string where = "visualBackProp: plan.steps[" + std::to_string(i) + "]";
    const auto step = requireObject(env, steps.Get(i), where);
    ys::VbpStep s;
    s.node = requireInt(env, step.Get("node"), where + ".node", 0, nodeCount - 1);
    const auto size = requireArray(env, step.Get("size"), where + ".size");
    if (size.Length() != 2) throwType(env, where + ".size must be [h, w]");
    s.h = requireInt(env, size.Get(0u), where + ".size[0]", 1, 1 << 20);
    s.w = requireInt(env, size.Get(1u), where + ".size[1]", 1, 1 << 20);
    s.seed = requireBool(env, step.Get("seed"), where + ".seed");
    s.multiplyByMean = requireBool(env, step.Get("multiplyByMean"), where + ".multiplyByMean");
    const auto sends = requireArray(env, step.Get("sends"), where + ".sends");
    for (uint32_t k = 0; k < sends.Length(); k++) {
      const std::string at = where + ".sends[" + std::to_string(k) + "]";
      const auto send = requireObject(env, sends.Get(k), at);
      ys::VbpSend out2;
      out2.to = requireInt(env, send.Get("to"), at + ".to", 0, nodeCount - 1);
      const auto op = requireObject(env, send.Get("op"), at + ".op");
      const auto kind = requireString(env, op.Get("kind"), at + ".op.kind");
      if (kind == "identity") {
        out2.op.kind = ys::VbpOpKind::Identity;
      } else if (kind == "ones-transposed-conv") {
        out2.op.kind = ys::VbpOpKind::OnesTransposedConv;
        const auto kernel = requireArray(env, op.Get("kernel"), at + ".op.kernel");
        if (kernel.Length() != 2) throwType(env, at + ".op.kernel must be [kh, kw]");
        out2.op.kh = requireInt(env, kernel.Get(0u), at + ".op.kernel[0]", 1, 1024);
        out2.op.kw = requireInt(env, kernel.Get(1u), at + ".op.kernel[1]", 1, 1024);
        out2.op.stride = requireInt(env, op.Get("stride"), at + ".op.stride", 1, 1024);
        out2.op.pads = readPads(env, op.Get("pads"), at + ".op.pads");
        const auto inputSize = requireArray(env, op.Get("inputSize"), at + ".op.inputSize");
        if (inputSize.Length() != 2) throwType(env, at + ".op.inputSize must be [h, w]");
        out2.op.inputH = requireInt(env, inputSize.Get(0u), at + ".op.inputSize[0]", 1, 1 << 20);
        out2.op.inputW = requireInt(env, inputSize.Get(1u), at + ".op.inputSize[1]", 1, 1 << 20);
      } else if (kind == "average-pool") {
        out2.op.kind = ys::VbpOpKind::AveragePool;
        out2.op.factor = requireInt(env, op.Get("factor"), at + ".op.factor", 1, 1024);
      } else {
        throwType(env, at + ".op.kind '" + kind + "' is not identity, ones-transposed-conv or average-pool");
      }
      s.sends.push_back(out2);
    }
    out.steps.push_back(std::move(s));
  }
  return out;
}

}  // namespace ysnode
