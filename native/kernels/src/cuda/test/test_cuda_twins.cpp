// Every CUDA kernel against its CPU twin on random shapes (plain, grouped and depthwise convs,
// every activation including mish and swish, slices), then whole graphs (the YOLOv3 blocks and
// the YOLOv4 family's): the CUDA model against the CPU model (the same walk, src/walk, over the
// other backend): plain and guided backward, NCHW and NHWC, stopAt, a bad argmax index,
// VisualBackProp. Runs on a GPU machine
// without Node; where no GPU is usable it prints why and exits 77, which ctest reports as skipped.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "common/window_math.h"
#include "cuda_kernels.h"
#include "device_buffer.h"
#include "reference.h"
#include "ys/cpu_kernels.h"
#include "ys/cuda.h"
#include "ys/model.h"
#include "ys/status.h"

namespace {

int failures = 0;
std::mt19937 rng(1234);

std::vector<float> randomFloats(std::size_t n) {
  std::normal_distribution<float> d;
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

int randomInt(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

template <typename T>
ys::cuda::DeviceBuffer toDevice(const std::vector<T>& v) {
  ys::cuda::DeviceBuffer b(v.size() * sizeof(T) + sizeof(T));
  YS_CUDA_CHECK(cudaMemcpy(b.as<T>(), v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
  return b;
}

std::vector<float> toHost(const ys::cuda::DeviceBuffer& b, std::size_t n) {
  std::vector<float> v(n);
  YS_CUDA_CHECK(cudaDeviceSynchronize());
  YS_CUDA_CHECK(cudaMemcpy(v.data(), b.as<float>(), n * sizeof(float), cudaMemcpyDeviceToHost));
  return v;
}

/** max |a-b| <= tol * max(1, max|a|). */
void expectClose(const std::string& what, const std::vector<float>& cpu, const std::vector<float>& gpu, float tol) {
  float maxAbs = 1.0f, maxErr = 0.0f;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    maxAbs = std::max(maxAbs, std::fabs(cpu[i]));
    maxErr = std::max(maxErr, std::fabs(cpu[i] - gpu[i]));
  }
  const bool ok = maxErr <= tol * maxAbs;
  std::printf("%s %s: max error %.3g (scale %.3g)\n", ok ? "ok  " : "FAIL", what.c_str(), maxErr, maxAbs);
  if (!ok) ++failures;
}

/** One conv geometry on both devices, overwriting and accumulating. Depthwise convs sum in the
 *  CPU's order with FMA: bit for bit the CPU's vector paths. */
void checkConv(ys::ThreadPool& pool, const ys::cpu::ConvGeometry& g) {
  const int n = 2;
  const auto w = randomFloats(std::size_t(g.o) * (g.c / g.groups) * g.kh * g.kw);
  const auto dy = randomFloats(std::size_t(n) * g.o * g.oh * g.ow);
  const auto start = randomFloats(std::size_t(n) * g.c * g.h * g.w);
  const bool depthwise = ys::cpu::isDepthwise(g);
  const ys::Isa isa = ys::isaAvailable(ys::Isa::Avx2) ? ys::Isa::Auto : ys::Isa::Scalar;
  for (bool acc : {false, true}) {
    std::vector<float> cpu = start;
    ys::cpu::PackedConvWeights packed(g, w.data(), isa);
    ys::cpu::convBackwardData(pool, packed, n, dy.data(), cpu.data(), acc);
    auto dW = toDevice(w), dDy = toDevice(dy), dDx = toDevice(start);
    ys::cuda::DeviceBuffer prepared(ys::cuda::kernels::convWeightsFloats(g) * sizeof(float)),
        cols(std::max<std::size_t>(1, ys::cuda::kernels::convColsFloats(g)) * sizeof(float));
    ys::cuda::kernels::prepareConvWeights(nullptr, g, dW.as<float>(), prepared.as<float>());
    ys::cuda::kernels::convBackwardData(nullptr, g, prepared.as<float>(), n, dDy.as<float>(), dDx.as<float>(), acc, cols.as<float>());
    char what[200];
    std::snprintf(what, sizeof what, "conv backward-data c%d o%d %dx%d k%dx%d s%d pads %d,%d,%d,%d groups %d%s%s", g.c, g.o, g.h,
                  g.w, g.kh, g.kw, g.stride, g.pads.top, g.pads.left, g.pads.bottom, g.pads.right, g.groups,
                  depthwise ? " (depthwise)" : "", acc ? " (+=)" : "");
    expectClose(what, cpu, toHost(dDx, cpu.size()), depthwise && isa == ys::Isa::Auto ? 0.0f : 1e-4f);
  }
}

void testConv(ys::ThreadPool& pool) {
  for (int trial = 0; trial < 30; ++trial) {
    ys::cpu::ConvGeometry g;
    g.c = randomInt(1, 20), g.o = randomInt(1, 70);
    g.kh = g.kw = trial % 3 == 0 ? 1 : 3;
    if (trial % 5 == 4) g.kw = 2;
    g.stride = trial % 2 ? 2 : 1;
    g.h = randomInt(3, 30), g.w = randomInt(3, 30);
    g.pads = trial % 4 == 1 ? ys::Pads{1, 0, 1, 0} : trial % 4 == 2 ? ys::Pads{0, 1, 0, 1} : trial % 4 == 3 ? ys::Pads{1, 1, 1, 1} : ys::Pads{};
    if (g.kh == 1 && trial % 6 == 0) g.pads = {};
    if (trial >= 12 && trial < 21) {  // grouped: 2 to 4 groups
      g.groups = randomInt(2, 4);
      g.c = g.groups * randomInt(1, 6), g.o = g.groups * randomInt(1, 12);
    } else if (trial >= 21) {  // depthwise, multiplier 1 or 2
      g.c = g.groups = randomInt(2, 24);
      g.o = g.c * (trial % 2 ? 2 : 1);
      if (trial == 29) g.w = randomInt(70, 90);  // the 4x unrolled row loops
    }
    g.oh = ys::common::windowOutputSize(g.h, g.kh, g.stride, g.pads.top, g.pads.bottom);
    g.ow = ys::common::windowOutputSize(g.w, g.kw, g.stride, g.pads.left, g.pads.right);
    if (g.oh <= 0 || g.ow <= 0) continue;
    checkConv(pool, g);
  }
}

/** Every activation and rule: the same elementwise functions (common/activation_math.h), no FMA
 *  contraction on either side: equal bit for bit. */
void testActivations(ys::ThreadPool& pool) {
  const std::int64_t count = randomInt(1000, 50000);
  const auto g = randomFloats(std::size_t(count));
  const auto start = randomFloats(std::size_t(count));
  std::vector<std::uint8_t> signs(static_cast<std::size_t>(count));
  std::vector<float> logistic(static_cast<std::size_t>(count)), input(static_cast<std::size_t>(count));
  const float edges[] = {0.0f, 1e-30f, -1e-7f, 20.0f, 20.01f, -20.0f, 87.1f, -87.1f, 100.0f, -100.0f};
  for (std::size_t i = 0; i < signs.size(); ++i) {
    signs[i] = std::uint8_t(randomInt(0, 1));
    logistic[i] = 1.0f / (1.0f + std::exp(-g[(i * 7) % g.size()]));
    input[i] = i < sizeof edges / sizeof edges[0] ? edges[i] : 4.0f * g[(i * 13) % g.size()];
  }
  auto dG = toDevice(g), dS = toDevice(signs), dL = toDevice(logistic), dI = toDevice(input);
  const ys::Activation kinds[] = {ys::Activation::Leaky, ys::Activation::Relu,  ys::Activation::Logistic,
                                  ys::Activation::Linear, ys::Activation::Mish, ys::Activation::Swish};
  const char* names[] = {"leaky", "relu", "logistic", "linear", "mish", "swish"};
  for (int k = 0; k < 6; ++k) {
    for (auto rule : {ys::Rule::Plain, ys::Rule::Guided}) {
      ys::ActivationParams a;
      a.kind = kinds[k];
      a.alpha = 0.1f;
      std::vector<float> cpu = start;
      ys::cpu::ActivationSaved host{signs.data(), logistic.data(), input.data()};
      ys::cpu::activationBackward(pool, a, rule, count, g.data(), host, cpu.data(), true);
      auto dDx = toDevice(start);
      ys::cpu::ActivationSaved device{dS.as<std::uint8_t>(), dL.as<float>(), dI.as<float>()};
      ys::cuda::kernels::activationBackward(nullptr, a, rule, count, dG.as<float>(), device, dDx.as<float>(), true);
      expectClose(std::string("activation backward ") + names[k] + (rule == ys::Rule::Guided ? " guided" : " plain"), cpu,
                  toHost(dDx, cpu.size()), 0.0f);
    }
  }
}

void testMaxpoolUpsampleSlice(ys::ThreadPool& pool) {
  const int n = 2, c = randomInt(1, 8), h = randomInt(4, 20), w = randomInt(4, 20);
  for (int stride : {1, 2}) {
    const int oh = stride == 1 ? h : h / 2, ow = stride == 1 ? w : w / 2;
    const auto g = randomFloats(std::size_t(n) * c * oh * ow);
    std::vector<std::int32_t> idx(g.size());
    for (std::size_t i = 0; i < idx.size(); ++i) {
      const int oy = int((i / ow) % oh), ox = int(i % ow);
      const int iy = std::min(h - 1, oy * stride + randomInt(0, 1)), ix = std::min(w - 1, ox * stride + randomInt(0, 1));
      idx[i] = iy * w + ix;  // within the (n, c) plane
    }
    std::vector<float> cpu(std::size_t(n) * c * h * w);
    ys::cpu::maxpoolBackward(pool, n, c, h, w, oh, ow, g.data(), idx.data(), cpu.data(), false, "m");
    auto dG = toDevice(g), dI = toDevice(idx);
    ys::cuda::DeviceBuffer dx(cpu.size() * sizeof(float)), bad(sizeof(int));
    YS_CUDA_CHECK(cudaMemset(bad.as<int>(), 0, sizeof(int)));
    ys::cuda::kernels::maxpoolBackward(nullptr, n, c, h, w, oh, ow, dG.as<float>(), dI.as<std::int32_t>(), dx.as<float>(), false, bad.as<int>());
    expectClose("maxpool backward stride " + std::to_string(stride), cpu, toHost(dx, cpu.size()), 1e-6f);
    int flagged = 1;
    YS_CUDA_CHECK(cudaMemcpy(&flagged, bad.as<int>(), sizeof(int), cudaMemcpyDeviceToHost));
    expectClose("maxpool: no index flagged", {0.0f}, {float(flagged)}, 0.0f);
    idx.back() = h * w;  // one past its plane
    auto dBad = toDevice(idx);
    ys::cuda::kernels::maxpoolBackward(nullptr, n, c, h, w, oh, ow, dG.as<float>(), dBad.as<std::int32_t>(), dx.as<float>(), false, bad.as<int>());
    YS_CUDA_CHECK(cudaMemcpy(&flagged, bad.as<int>(), sizeof(int), cudaMemcpyDeviceToHost));
    expectClose("maxpool: an index outside its plane is flagged", {1.0f}, {float(flagged)}, 0.0f);
  }
  {
    const int f = 2;
    const auto g = randomFloats(std::size_t(n) * c * h * f * w * f);
    std::vector<float> cpu(std::size_t(n) * c * h * w);
    ys::cpu::upsampleBackward(pool, n, c, h, w, f, g.data(), cpu.data(), false);
    auto dG = toDevice(g);
    ys::cuda::DeviceBuffer dx(cpu.size() * sizeof(float));
    ys::cuda::kernels::upsampleBackward(nullptr, n, c, h, w, f, dG.as<float>(), dx.as<float>(), false);
    expectClose("upsample backward", cpu, toHost(dx, cpu.size()), 0.0f);
  }
  {
    const int cTotal = c + 5, c0 = 2, cCount = 3;
    const auto g = randomFloats(std::size_t(n) * cTotal * h * w);
    const auto start = randomFloats(std::size_t(n) * cCount * h * w);
    std::vector<float> cpu = start;
    ys::cpu::channelSliceBackward(pool, n, cTotal, c0, cCount, std::int64_t(h) * w, g.data(), cpu.data(), true);
    auto dG = toDevice(g), dx = toDevice(start);
    ys::cuda::kernels::channelSliceBackward(nullptr, n, cTotal, c0, cCount, std::int64_t(h) * w, dG.as<float>(), dx.as<float>(), true);
    expectClose("concat split (+=)", cpu, toHost(dx, cpu.size()), 0.0f);
  }
  for (bool acc : {false, true}) {
    const int cTotal = c + 5, c0 = 2, cCount = 3;
    const auto g = randomFloats(std::size_t(n) * cCount * h * w);
    const auto start = randomFloats(std::size_t(n) * cTotal * h * w);
    std::vector<float> cpu = start;
    ys::cpu::sliceBackward(pool, n, cTotal, c0, cCount, std::int64_t(h) * w, g.data(), cpu.data(), acc);
    auto dG = toDevice(g), dx = toDevice(start);
    ys::cuda::kernels::sliceBackward(nullptr, n, cTotal, c0, cCount, std::int64_t(h) * w, dG.as<float>(), dx.as<float>(), acc);
    expectClose(acc ? "slice (+=)" : "slice", cpu, toHost(dx, cpu.size()), 0.0f);
  }
}

void testLayouts(ys::ThreadPool& pool) {
  const int n = 2, c = randomInt(1, 300);
  const std::int64_t hw = randomInt(1, 700);
  const auto src = randomFloats(std::size_t(n) * c * hw);
  const auto start = randomFloats(src.size());
  std::vector<float> cpu = start, back(src.size());
  ys::cpu::nhwcToNchw(pool, n, c, hw, src.data(), cpu.data(), true);
  auto dSrc = toDevice(src), dDst = toDevice(start);
  ys::cuda::kernels::nhwcToNchw(nullptr, n, c, hw, dSrc.as<float>(), dDst.as<float>(), true);
  expectClose("nhwc -> nchw (+=)", cpu, toHost(dDst, cpu.size()), 0.0f);
  ys::cpu::nchwToNhwc(pool, n, c, hw, src.data(), back.data());
  ys::cuda::kernels::nchwToNhwc(nullptr, n, c, hw, dSrc.as<float>(), dDst.as<float>());
  expectClose("nchw -> nhwc", back, toHost(dDst, back.size()), 0.0f);
  ys::cuda::kernels::copy(nullptr, std::int64_t(src.size()), dSrc.as<float>(), dDst.as<float>());
  expectClose("copy", src, toHost(dDst, src.size()), 0.0f);
}

/** The CUDA model against the CPU model on a problem: plain and guided, NCHW and NHWC, stopAt,
 *  VisualBackProp. */
void compareModels(const char* name, const yst::Problem& p, int innerStop) {
  const int n = p.n;
  const std::vector<ys::ConstSpan<float>> heads = p.heads();
  auto cpu = ys::createCpuModel(p.graph.desc, {});
  auto gpu = ys::cuda::createCudaModel(p.graph.desc, {});
  for (auto layout : {ys::Layout::Nchw, ys::Layout::Nhwc})
    for (auto rule : {ys::Rule::Plain, ys::Rule::Guided})
      for (int stopAt : {0, innerStop}) {
        std::vector<float> a(std::size_t(n) * cpu->shape(stopAt).elements()), b(a.size());
        cpu->backward(p.fwd.tape(), heads, rule, stopAt, {a.data(), a.size()}, layout);
        gpu->backward(p.fwd.tape(), heads, rule, stopAt, {b.data(), b.size()}, layout);
        expectClose(std::string(name) + " model backward " + (rule == ys::Rule::Guided ? "guided" : "plain") + " stopAt " +
                        std::to_string(stopAt) + (layout == ys::Layout::Nhwc ? " nhwc" : " nchw"),
                    a, b, 1e-4f);
      }
  const ys::VbpPlan plan = yst::vbpPlanFor(p.graph.desc);
  const ys::Shape in = p.graph.shape(0);
  std::vector<float> va(std::size_t(n) * in.h * in.w), vb(va.size());
  cpu->visualBackProp(plan, p.fwd.tape(), {va.data(), va.size()});
  gpu->visualBackProp(plan, p.fwd.tape(), {vb.data(), vb.size()});
  expectClose(std::string(name) + " model visualBackProp", va, vb, 1e-5f);
}

/** The CUDA model against the CPU model on the tests' small YOLO graphs (every node kind). */
void testModels() {
  compareModels("v4", yst::smallYoloV4Problem(78, 32), 10);
  yst::Problem p = yst::smallYoloProblem(77, 32);
  const yst::TestGraph& graph = p.graph;
  const yst::Forward& fwd = p.fwd;
  const int n = p.n;
  const std::vector<ys::ConstSpan<float>> heads = p.heads();
  auto cpu = ys::createCpuModel(graph.desc, {});
  auto gpu = ys::cuda::createCudaModel(graph.desc, {});
  for (auto layout : {ys::Layout::Nchw, ys::Layout::Nhwc}) {  // NHWC: the same numbers, as heads are opaque here
    for (auto rule : {ys::Rule::Plain, ys::Rule::Guided}) {
      for (int stopAt : {0, 5}) {
        std::vector<float> a(std::size_t(n) * cpu->shape(stopAt).elements()), b(a.size());
        cpu->backward(fwd.tape(), heads, rule, stopAt, {a.data(), a.size()}, layout);
        gpu->backward(fwd.tape(), heads, rule, stopAt, {b.data(), b.size()}, layout);
        expectClose(std::string("model backward ") + (rule == ys::Rule::Guided ? "guided" : "plain") + " stopAt " +
                        std::to_string(stopAt) + (layout == ys::Layout::Nhwc ? " nhwc" : " nchw"),
                    a, b, 1e-4f);
      }
    }
  }
  auto argmax = fwd.argmax[3];
  argmax[2] = -1;
  ys::TapeView bad = fwd.tape();
  bad.nodes[3].argmax = {argmax.data(), argmax.size()};
  std::vector<float> out(std::size_t(n) * cpu->shape(0).elements());
  std::string cpuError, gpuError;
  try { cpu->backward(bad, heads, ys::Rule::Plain, 0, {out.data(), out.size()}); } catch (const ys::Error& e) { cpuError = e.what(); }
  try { gpu->backward(bad, heads, ys::Rule::Plain, 0, {out.data(), out.size()}); } catch (const ys::Error& e) { gpuError = e.what(); }
  const bool named = cpuError.find("'pool_3' (maxpool)") != std::string::npos && gpuError.find("'pool_3' (maxpool)") != std::string::npos;
  std::printf("%s bad argmax: cpu '%s', cuda '%s'\n", named ? "ok  " : "FAIL", cpuError.c_str(), gpuError.c_str());
  if (!named) ++failures;
  const ys::VbpPlan plan = yst::vbpPlanFor(graph.desc);
  std::vector<float> va(std::size_t(n) * 32 * 32), vb(va.size());
  cpu->visualBackProp(plan, fwd.tape(), {va.data(), va.size()});
  gpu->visualBackProp(plan, fwd.tape(), {vb.data(), vb.size()});
  expectClose("model visualBackProp", va, vb, 1e-5f);
  // Still usable after the error.
  std::vector<float> a(out.size()), b(out.size());
  cpu->backward(fwd.tape(), heads, ys::Rule::Plain, 0, {a.data(), a.size()});
  gpu->backward(fwd.tape(), heads, ys::Rule::Plain, 0, {b.data(), b.size()});
  expectClose("model backward after an error", a, b, 1e-4f);
}

void testVbp(ys::ThreadPool& pool) {
  const int n = 2, mh = randomInt(3, 12), mw = randomInt(3, 12);
  std::vector<float> m = randomFloats(std::size_t(n) * mh * mw);
  for (auto& v : m) v = std::fabs(v);
  auto dM = toDevice(m);
  for (int trial = 0; trial < 4; ++trial) {
    ys::VbpEdgeOp op;
    op.kind = ys::VbpOpKind::OnesTransposedConv;
    op.kh = op.kw = trial < 2 ? 3 : 2;
    op.stride = trial % 2 + 1;
    op.pads = trial == 1 ? ys::Pads{1, 0, 0, 0} : trial == 0 ? ys::Pads{1, 1, 1, 1} : ys::Pads{};
    op.inputH = (mh - 1) * op.stride + op.kh - op.pads.top - op.pads.bottom;
    op.inputW = (mw - 1) * op.stride + op.kw - op.pads.left - op.pads.right;
    std::vector<float> cpu(std::size_t(n) * op.inputH * op.inputW);
    ys::cpu::vbpOnesTransposedConv(pool, n, mh, mw, m.data(), op, cpu.data());
    ys::cuda::DeviceBuffer out(cpu.size() * sizeof(float));
    ys::cuda::kernels::vbpOnesTransposedConv(nullptr, n, mh, mw, dM.as<float>(), op, out.as<float>());
    expectClose("vbp ones-transposed-conv " + std::to_string(trial), cpu, toHost(out, cpu.size()), 0.0f);
  }
  {
    const int f = 2, h2 = mh - mh % 2, w2 = mw - mw % 2;
    std::vector<float> src(m.begin(), m.begin() + std::size_t(n) * h2 * w2);
    std::vector<float> cpu(std::size_t(n) * (h2 / f) * (w2 / f));
    ys::cpu::vbpAveragePool(pool, n, h2, w2, f, src.data(), cpu.data());
    auto dS = toDevice(src);
    ys::cuda::DeviceBuffer out(cpu.size() * sizeof(float));
    ys::cuda::kernels::vbpAveragePool(nullptr, n, h2, w2, f, dS.as<float>(), out.as<float>());
    expectClose("vbp average pool", cpu, toHost(out, cpu.size()), 0.0f);
  }
  for (bool minmax : {false, true}) {
    std::vector<float> cpu = m;
    auto d = toDevice(m);
    if (minmax) {
      ys::cpu::vbpNormaliseMinMax(pool, n, std::int64_t(mh) * mw, cpu.data());
      ys::cuda::kernels::vbpNormaliseMinMax(nullptr, n, std::int64_t(mh) * mw, d.as<float>());
    } else {
      ys::cpu::vbpNormaliseByMax(pool, n, std::int64_t(mh) * mw, cpu.data());
      ys::cuda::kernels::vbpNormaliseByMax(nullptr, n, std::int64_t(mh) * mw, d.as<float>());
    }
    expectClose(minmax ? "vbp normalise min-max" : "vbp normalise by max", cpu, toHost(d, cpu.size()), 0.0f);
  }
}

}  // namespace

int main() {
  const ys::cuda::DeviceQuery query = ys::cuda::queryDevices();
  if (query.count == 0) {
    std::printf("SKIPPED: the CUDA twins cannot run here: %s\n", query.reason.c_str());
    return 77;
  }
  try {
    ys::ThreadPool pool(2);
    testConv(pool);
    testActivations(pool);
    testMaxpoolUpsampleSlice(pool);
    testLayouts(pool);
    testVbp(pool);
    testModels();
  } catch (const std::exception& e) {
    std::printf("FAIL: %s\n", e.what());
    return 1;
  }
  std::printf("%s: %d failure(s)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
