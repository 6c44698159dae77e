// Errors a caller can cause come back as ys::Error with one line naming the call and layer.
#include <cstring>

#include "check.h"
#include "reference.h"
#include "ys/build_info.h"
#include "ys/cpu_kernels.h"
#include "ys/model.h"
#include "ys/status.h"

using namespace ys;

namespace {

/** Runs fn, expects ys::Error with `code` and every fragment in its message. */
template <typename F>
void expectError(F fn, ErrorCode code, std::vector<std::string> fragments) {
  try {
    fn();
    CHECK_MSG(false, "no error thrown (expected %s)", errorCodeName(code));
  } catch (const Error& e) {
    CHECK_MSG(e.code() == code, "code %s, expected %s: %s", errorCodeName(e.code()), errorCodeName(code), e.what());
    const std::string msg = e.what();
    for (const auto& f : fragments) CHECK_MSG(msg.find(f) != std::string::npos, "'%s' not in '%s'", f.c_str(), msg.c_str());
    CHECK_MSG(msg.find('\n') == std::string::npos, "multi-line message: %s", msg.c_str());
  }
}

struct Fixture {
  yst::Rng rng{41};
  yst::TestGraph graph = yst::smallYolo(rng);
  int n = 1;
  yst::Forward fwd;
  std::vector<std::vector<float>> headGrads;
  std::vector<float> out;
  Fixture() {
    std::vector<double> x(std::size_t(graph.shape(0).elements()), 0.5);
    fwd = yst::forward(graph, n, x);
    for (int h : graph.desc.heads) headGrads.push_back(rng.floats(std::size_t(graph.shape(h).elements())));
    out.resize(std::size_t(graph.shape(0).elements()));
  }
  std::vector<ConstSpan<float>> heads() {
    std::vector<ConstSpan<float>> v;
    for (auto& h : headGrads) v.push_back({h.data(), h.size()});
    return v;
  }
};

}  // namespace

int main() {
  return yst::run("test_errors", {
    {"graph: declared shape mismatch names the layer", [] {
      Fixture f;
      GraphDesc g = f.graph.desc;
      g.nodes[4].shape.h = 5;
      expectError([&] { createCpuModel(g); }, ErrorCode::InvalidGraph, {"layer 'conv_4' (conv)", "declared output shape"});
    }},
    {"graph: weights of the wrong size", [] {
      Fixture f;
      GraphDesc g = f.graph.desc;
      g.nodes[1].conv.weights.size -= 1;
      expectError([&] { createCpuModel(g); }, ErrorCode::InvalidGraph, {"conv_1", "weights have 215 floats, expected 216"});
    }},
    {"graph: channel mismatch and bad input index", [] {
      Fixture f;
      GraphDesc g = f.graph.desc;
      g.nodes[4].conv.channels = 9;
      expectError([&] { createCpuModel(g); }, ErrorCode::InvalidGraph, {"conv_4", "expects 9 input channels, got 8"});
      GraphDesc g2 = f.graph.desc;
      g2.nodes[3].inputs = {7};
      expectError([&] { createCpuModel(g2); }, ErrorCode::InvalidGraph, {"pool_3", "not an earlier layer"});
    }},
    {"graph: groups that do not divide, grouped weights, slice bounds", [] {
      yst::Rng rng(42);
      yst::TestGraph tg = yst::smallYoloV4(rng);
      GraphDesc g = tg.desc;
      g.nodes[9].conv.groups = 5;  // 16 channels, 12 filters
      expectError([&] { createCpuModel(g); }, ErrorCode::InvalidGraph, {"layer 'conv_9' (conv)", "groups 5 does not divide 16 channels and 12 filters"});
      g = tg.desc;
      g.nodes[9].conv.weights.size = 12 * 16 * 9;  // as if not grouped
      expectError([&] { createCpuModel(g); }, ErrorCode::InvalidGraph, {"conv_9", "weights have 1728 floats, expected 432 (OIHW 12x4x3x3)"});
      g = tg.desc;
      g.nodes[11].slice = {8, 6};  // channels [8, 14) of 12
      expectError([&] { createCpuModel(g); }, ErrorCode::InvalidGraph, {"layer 'slice_11' (slice)", "channels [8, 14) are not within the input's 12 channels"});
    }},
    {"tape: a mish without its input, a logistic without its output", [] {
      yst::Rng rng(43);
      yst::TestGraph tg = yst::smallYoloV4(rng);
      std::vector<double> x(std::size_t(tg.shape(0).elements()), 0.5);
      const yst::Forward fwd = yst::forward(tg, 1, x);
      std::vector<std::vector<float>> grads;
      std::vector<ConstSpan<float>> heads;
      for (int h : tg.desc.heads) grads.push_back(rng.floats(std::size_t(tg.shape(h).elements())));
      for (auto& h : grads) heads.push_back({h.data(), h.size()});
      std::vector<float> out(std::size_t(tg.shape(0).elements()));
      auto model = createCpuModel(tg.desc);
      TapeView tape = fwd.tape();
      tape.nodes[2].input = {};
      expectError([&] { model->backward(tape, heads, Rule::Plain, 0, {out.data(), out.size()}); }, ErrorCode::TapeMismatch,
                  {"backward", "layer 'act_2' (activation)", "the tape has no activation input"});
      tape = fwd.tape();
      tape.nodes[4].input.size -= 1;
      expectError([&] { model->backward(tape, heads, Rule::Guided, 0, {out.data(), out.size()}); }, ErrorCode::TapeMismatch,
                  {"act_4", "activation input has"});
      Fixture f;
      auto v3 = createCpuModel(f.graph.desc);
      TapeView t3 = f.fwd.tape();
      t3.nodes[12].output = {};
      expectError([&] { v3->backward(t3, f.heads(), Rule::Plain, 0, {f.out.data(), f.out.size()}); }, ErrorCode::TapeMismatch,
                  {"act_12", "the tape has no activation output"});
    }},
    {"tape: missing sign bytes / wrong sizes", [] {
      Fixture f;
      auto model = createCpuModel(f.graph.desc);
      TapeView tape = f.fwd.tape();
      tape.nodes[2].signs = {};
      expectError([&] { model->backward(tape, f.heads(), Rule::Plain, 0, {f.out.data(), f.out.size()}); },
                  ErrorCode::TapeMismatch, {"backward", "layer 'act_2' (activation)", "no sign bytes"});
      tape = f.fwd.tape();
      tape.nodes[3].argmax.size -= 2;
      expectError([&] { model->backward(tape, f.heads(), Rule::Plain, 0, {f.out.data(), f.out.size()}); },
                  ErrorCode::TapeMismatch, {"pool_3", "argmax indices has"});
      tape = f.fwd.tape();
      tape.nodes.pop_back();
      expectError([&] { model->backward(tape, f.heads(), Rule::Plain, 0, {f.out.data(), f.out.size()}); },
                  ErrorCode::TapeMismatch, {"node entries"});
    }},
    {"backward: head gradients, stopAt and output size", [] {
      Fixture f;
      auto model = createCpuModel(f.graph.desc);
      auto heads = f.heads();
      heads[1].size = 3;
      expectError([&] { model->backward(f.fwd.tape(), heads, Rule::Plain, 0, {f.out.data(), f.out.size()}); },
                  ErrorCode::TapeMismatch, {"head 1", "gradient has 3 floats"});
      heads.pop_back();
      expectError([&] { model->backward(f.fwd.tape(), heads, Rule::Plain, 0, {f.out.data(), f.out.size()}); },
                  ErrorCode::TapeMismatch, {"1 head gradients for 2 heads"});
      expectError([&] { model->backward(f.fwd.tape(), f.heads(), Rule::Plain, 99, {f.out.data(), f.out.size()}); },
                  ErrorCode::InvalidArgument, {"stopAt 99"});
      expectError([&] { model->backward(f.fwd.tape(), f.heads(), Rule::Plain, 0, {f.out.data(), 10}); },
                  ErrorCode::InvalidArgument, {"output buffer has 10 floats"});
    }},
    {"maxpool: an argmax outside its plane", [] {
      Fixture f;
      auto model = createCpuModel(f.graph.desc);
      auto argmax = f.fwd.argmax[3];
      argmax[5] = 1 << 30;
      TapeView tape = f.fwd.tape();
      tape.nodes[3].argmax = {argmax.data(), argmax.size()};
      expectError([&] { model->backward(tape, f.heads(), Rule::Plain, 0, {f.out.data(), f.out.size()}); },
                  ErrorCode::TapeMismatch, {"pool_3", "outside its (n, c) plane"});
    }},
    {"vbp: missing mean map, bad plan", [] {
      Fixture f;
      auto model = createCpuModel(f.graph.desc);
      VbpPlan plan;
      expectError([&] { model->visualBackProp(plan, f.fwd.tape(), {f.out.data(), 256}); }, ErrorCode::InvalidArgument,
                  {"visualBackProp", "input node"});
      VbpStep a;
      a.node = 2, a.h = 16, a.w = 16, a.multiplyByMean = true, a.seed = true;
      a.sends.push_back({1, {}});
      VbpStep c;
      c.node = 1, c.h = 16, c.w = 16;
      VbpSend s;
      s.to = 0;
      s.op.kind = VbpOpKind::OnesTransposedConv, s.op.kh = s.op.kw = 3, s.op.pads = {1, 1, 1, 1}, s.op.inputH = s.op.inputW = 16;
      c.sends.push_back(s);
      VbpStep in;
      in.node = 0, in.h = 16, in.w = 16;
      plan.steps = {a, c, in};
      TapeView tape = f.fwd.tape();
      tape.nodes[2].mean = {};
      expectError([&] { model->visualBackProp(plan, tape, {f.out.data(), 256}); }, ErrorCode::TapeMismatch,
                  {"act_2", "VisualBackProp mean map"});
      plan.steps[1].sends[0].op.stride = 2;
      expectError([&] { model->visualBackProp(plan, f.fwd.tape(), {f.out.data(), 256}); }, ErrorCode::InvalidArgument,
                  {"conv_1", "transposed-conv geometry"});
    }},
    {"build info filled, device names the code path", [] {
      Fixture f;
      const BuildInfo info = buildInfo();
      std::printf("  build: %s; detected %s; code path %s; compiled %s; threads %d\n", info.compiler.c_str(),
                  info.cpuFeaturesDetected.c_str(), info.cpuCodePath.c_str(), info.cpuCodePathsCompiled.c_str(),
                  info.defaultThreads);
      CHECK(!info.compiler.empty() && !info.cpuCodePath.empty() && info.defaultThreads >= 1);
      auto model = createCpuModel(f.graph.desc);
      CHECK(model->device() == "cpu " + info.cpuCodePath + " x" + std::to_string(model->threads()) + " threads");
    }},
  });
}
