#include "convert-graph.h"

#include <string>

#include "js-args.h"
#include "ys/node_fields.h"

namespace ysnode {

namespace {

constexpr int kMaxDim = 1 << 20;

/** ys::NodeFields over one JS node description: what each node-kind module reads
 *  (kernels/src/nodes) comes from here, with the path of every value in messages. */
class JsNodeFields final : public ys::NodeFields {
 public:
  JsNodeFields(Napi::Env env, Napi::Object node, Napi::Value weights, std::string where, std::string name)
      : env_(env), object_(node), weights_(weights), where_(std::move(where)), name_(std::move(name)) {}

  void enter(const char* key) override {
    object_ = requireObject(env_, object_.Get(key), at(key));
    where_ = at(key);
  }
  int integer(const char* key, int min, int max) override { return requireInt(env_, object_.Get(key), at(key), min, max); }
  float number(const char* key) override { return float(requireNumber(env_, object_.Get(key), at(key))); }
  std::string text(const char* key) override { return requireString(env_, object_.Get(key), at(key)); }
  std::array<int, 2> pair(const char* key, int min, int max) override {
    const auto array = requireArray(env_, object_.Get(key), at(key));
    if (array.Length() != 2) throwType(env_, at(key) + " must have two integers");
    return {requireInt(env_, array.Get(0u), at(key) + "[0]", min, max), requireInt(env_, array.Get(1u), at(key) + "[1]", min, max)};
  }
  ys::Pads pads(const char* key) override { return readPads(env_, object_.Get(key), at(key)); }
  ys::ConstSpan<float> weights(std::size_t expected, const std::string& shape) override {
    const auto array = requireTypedArray(env_, weights_, napi_float32_array, "Float32Array",
                                         "createModel: weights of layer '" + name_ + "'");
    if (array.ElementLength() != expected) {
      throwType(env_, "createModel: layer '" + name_ + "' has " + std::to_string(array.ElementLength()) + " weights, expected " +
                          std::to_string(expected) + " (" + shape + ")");
    }
    return ys::ConstSpan<float>(typedArrayData<const float>(array), expected);
  }
  [[noreturn]] void invalid(const char* key, const std::string& why) override { throwType(env_, at(key) + " " + why); }

 private:
  std::string at(const char* key) const { return where_ + "." + key; }

  Napi::Env env_;
  Napi::Object object_;
  Napi::Value weights_;
  std::string where_;
  std::string name_;
};

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
    const std::string kind = requireString(env, node.Get("kind"), where + ".kind");
    if (!ys::parseNodeKind(kind, out.kind)) {
      throwType(env, where + ".kind '" + kind + "' is not a node kind (" + ys::nodeKindNames() + ")");
    }
    const auto inputs = requireArray(env, node.Get("inputs"), where + ".inputs");
    for (uint32_t k = 0; k < inputs.Length(); k++) {
      out.inputs.push_back(requireInt(env, inputs.Get(k), where + ".inputs[" + std::to_string(k) + "]", 0, int(i) - 1));
    }
    const auto shape = requireArray(env, node.Get("shape"), where + ".shape");
    if (shape.Length() != 3) throwType(env, where + ".shape must be [c, h, w]");
    out.shape.c = requireInt(env, shape.Get(0u), where + ".shape[0]", 1, kMaxDim);
    out.shape.h = requireInt(env, shape.Get(1u), where + ".shape[1]", 1, kMaxDim);
    out.shape.w = requireInt(env, shape.Get(2u), where + ".shape[2]", 1, kMaxDim);
    JsNodeFields fields(env, node, weights.Get(i), where, out.name);
    ys::readNodeParams(fields, out);
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
