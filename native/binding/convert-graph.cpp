#include "convert-graph.h"

#include <string>

#include "js-args.h"

namespace ysnode {

namespace {

ys::NodeKind readKind(Napi::Env env, const std::string& s, const std::string& what) {
  if (s == "input") return ys::NodeKind::Input;
  if (s == "conv") return ys::NodeKind::Conv;
  if (s == "activation") return ys::NodeKind::Activation;
  if (s == "maxpool") return ys::NodeKind::MaxPool;
  if (s == "upsample") return ys::NodeKind::Upsample;
  if (s == "concat") return ys::NodeKind::Concat;
  if (s == "add") return ys::NodeKind::Add;
  if (s == "yolo") return ys::NodeKind::Yolo;
  throwType(env, what + " '" + s + "' is not a node kind (input, conv, activation, maxpool, upsample, concat, add, yolo)");
}

ys::Activation readActivation(Napi::Env env, const std::string& s, const std::string& what) {
  if (s == "leaky") return ys::Activation::Leaky;
  if (s == "linear") return ys::Activation::Linear;
  if (s == "logistic") return ys::Activation::Logistic;
  if (s == "relu") return ys::Activation::Relu;
  throwType(env, what + " '" + s + "' is not an activation (leaky, linear, logistic, relu)");
}

constexpr int kMaxDim = 1 << 20;

void readConv(Napi::Env env, Napi::Object node, ys::NodeDesc& out, Napi::Value weights,
              const std::string& where) {
  const auto conv = requireObject(env, node.Get("conv"), where + ".conv");
  auto& c = out.conv;
  c.filters = requireInt(env, conv.Get("filters"), where + ".conv.filters", 1, kMaxDim);
  c.channels = requireInt(env, conv.Get("channels"), where + ".conv.channels", 1, kMaxDim);
  const auto kernel = requireArray(env, conv.Get("kernel"), where + ".conv.kernel");
  if (kernel.Length() != 2) throwType(env, where + ".conv.kernel must be [kh, kw]");
  c.kh = requireInt(env, kernel.Get(0u), where + ".conv.kernel[0]", 1, 1024);
  c.kw = requireInt(env, kernel.Get(1u), where + ".conv.kernel[1]", 1, 1024);
  c.stride = requireInt(env, conv.Get("stride"), where + ".conv.stride", 1, 1024);
  c.pads = readPads(env, conv.Get("pads"), where + ".conv.pads");
  const auto array = requireTypedArray(env, weights, napi_float32_array, "Float32Array",
                                       "createModel: weights of layer '" + out.name + "'");
  const auto expected = std::size_t(c.filters) * c.channels * c.kh * c.kw;
  if (array.ElementLength() != expected) {
    throwType(env, "createModel: layer '" + out.name + "' has " + std::to_string(array.ElementLength()) +
                       " weights, expected " + std::to_string(expected) + " (OIHW " + std::to_string(c.filters) +
                       "x" + std::to_string(c.channels) + "x" + std::to_string(c.kh) + "x" +
                       std::to_string(c.kw) + ")");
  }
  c.weights = ys::ConstSpan<float>(typedArrayData<const float>(array), expected);
}

}  // namespace

ys::Pads readPads(Napi::Env env, Napi::Value v, const std::string& what) {
  const auto o = requireObject(env, v, what);
  ys::Pads p;
  p.top = requireInt(env, o.Get("top"), what + ".top", 0, 1024);
  p.left = requireInt(env, o.Get("left"), what + ".left", 0, 1024);
  p.bottom = requireInt(env, o.Get("bottom"), what + ".bottom", 0, 1024);
  p.right = requireInt(env, o.Get("right"), what + ".right", 0, 1024);
  return p;
}

ys::GraphDesc readGraphDesc(Napi::Env env, Napi::Value graphValue, Napi::Value weightsValue) {
  const auto graph = requireObject(env, graphValue, "createModel: graph");
  const auto nodes = requireArray(env, graph.Get("nodes"), "createModel: graph.nodes");
  const auto weights = requireArray(env, weightsValue, "createModel: weights");
  if (nodes.Length() == 0) throwType(env, "createModel: graph.nodes is empty");
  if (weights.Length() != nodes.Length()) {
    throwType(env, "createModel: weights has " + std::to_string(weights.Length()) + " entries, expected one per node (" +
                       std::to_string(nodes.Length()) + ")");
  }
  ys::GraphDesc desc;
  desc.nodes.resize(nodes.Length());
  for (uint32_t i = 0; i < nodes.Length(); i++) {
    const std::string where = "createModel: graph.nodes[" + std::to_string(i) + "]";
    const auto node = requireObject(env, nodes.Get(i), where);
    auto& out = desc.nodes[i];
    out.name = requireString(env, node.Get("name"), where + ".name");
    out.kind = readKind(env, requireString(env, node.Get("kind"), where + ".kind"), where + ".kind");
    const auto inputs = requireArray(env, node.Get("inputs"), where + ".inputs");
    if (i == 0 && inputs.Length() != 0) throwType(env, where + " ('" + out.name + "') is the input node and cannot have inputs");
    for (uint32_t k = 0; k < inputs.Length(); k++) {
      out.inputs.push_back(requireInt(env, inputs.Get(k), where + ".inputs[" + std::to_string(k) + "]", 0, int(i) - 1));
    }
    if (i > 0 && out.inputs.empty()) throwType(env, where + " ('" + out.name + "') has no inputs");
    const auto shape = requireArray(env, node.Get("shape"), where + ".shape");
    if (shape.Length() != 3) throwType(env, where + ".shape must be [c, h, w]");
    out.shape.c = requireInt(env, shape.Get(0u), where + ".shape[0]", 1, kMaxDim);
    out.shape.h = requireInt(env, shape.Get(1u), where + ".shape[1]", 1, kMaxDim);
    out.shape.w = requireInt(env, shape.Get(2u), where + ".shape[2]", 1, kMaxDim);
    switch (out.kind) {
      case ys::NodeKind::Conv:
        readConv(env, node, out, weights.Get(i), where);
        break;
      case ys::NodeKind::Activation: {
        const auto a = requireObject(env, node.Get("activation"), where + ".activation");
        out.activation.kind = readActivation(env, requireString(env, a.Get("kind"), where + ".activation.kind"), where + ".activation.kind");
        out.activation.alpha = float(requireNumber(env, a.Get("alpha"), where + ".activation.alpha"));
        break;
      }
      case ys::NodeKind::MaxPool: {
        const auto m = requireObject(env, node.Get("maxpool"), where + ".maxpool");
        out.maxpool.size = requireInt(env, m.Get("size"), where + ".maxpool.size", 1, 1024);
        out.maxpool.stride = requireInt(env, m.Get("stride"), where + ".maxpool.stride", 1, 1024);
        out.maxpool.pads = readPads(env, m.Get("pads"), where + ".maxpool.pads");
        break;
      }
      case ys::NodeKind::Upsample:
        out.upsampleFactor = requireInt(env, node.Get("upsampleFactor"), where + ".upsampleFactor", 1, 1024);
        break;
      default:
        break;
    }
  }
  const auto heads = requireArray(env, graph.Get("heads"), "createModel: graph.heads");
  if (heads.Length() == 0) throwType(env, "createModel: graph.heads is empty");
  for (uint32_t k = 0; k < heads.Length(); k++) {
    desc.heads.push_back(requireInt(env, heads.Get(k), "createModel: graph.heads[" + std::to_string(k) + "]", 0,
                                    int(nodes.Length()) - 1));
  }
  return desc;
}

}  // namespace ysnode
