// VisualBackProp: the plan of core's planVisualBackProp (ported here) executed by the model,
// against a straightforward reimplementation of the definition (transposed conv written as
// a scatter, per image, in double), plus a case small enough to check by hand.
#include "check.h"
#include "reference.h"
#include "ys/cpu_kernels.h"
#include "ys/model.h"

using namespace ys;
using yst::Rng;

namespace {

/** The definition, one image at a time, in double. */
std::vector<double> referenceVbp(const GraphDesc& g, const VbpPlan& plan, const yst::Forward& f) {
  std::vector<double> result;
  for (int b = 0; b < f.batch; ++b) {
    std::vector<std::vector<double>> masks(g.nodes.size());
    for (const VbpStep& st : plan.steps) {
      auto& m = masks[std::size_t(st.node)];
      const std::size_t hw = std::size_t(st.h) * st.w;
      if (st.seed) {
        if (m.empty()) m.assign(hw, 0.0);
        for (auto& v : m) v += 1.0;
      }
      if (m.empty()) continue;
      if (st.multiplyByMean)
        for (std::size_t k = 0; k < hw; ++k) m[k] *= f.mean[std::size_t(st.node)][b * hw + k];
      if (st.sends.empty()) {
        const double lo = *std::min_element(m.begin(), m.end()), hi = *std::max_element(m.begin(), m.end());
        for (double v : m) result.push_back(hi > lo ? (v - lo) / (hi - lo) : 0.0);
        break;
      }
      for (const VbpSend& send : st.sends) {
        const Shape ts = g.nodes[std::size_t(send.to)].shape;
        std::vector<double> sent(std::size_t(ts.h) * ts.w, 0.0);
        const VbpEdgeOp& op = send.op;
        if (op.kind == VbpOpKind::Identity) {
          sent = m;
        } else if (op.kind == VbpOpKind::OnesTransposedConv) {
          // scatter each output position's value over its window, dropping padding
          for (int oy = 0; oy < st.h; ++oy)
            for (int ox = 0; ox < st.w; ++ox)
              for (int ky = 0; ky < op.kh; ++ky)
                for (int kx = 0; kx < op.kw; ++kx) {
                  const int iy = oy * op.stride - op.pads.top + ky, ix = ox * op.stride - op.pads.left + kx;
                  if (iy >= 0 && iy < ts.h && ix >= 0 && ix < ts.w) sent[std::size_t(iy) * ts.w + ix] += m[std::size_t(oy) * st.w + ox];
                }
        } else {
          const int fct = op.factor;
          for (int y = 0; y < st.h; ++y)
            for (int x = 0; x < st.w; ++x) sent[std::size_t(y / fct) * ts.w + x / fct] += m[std::size_t(y) * st.w + x] / (fct * fct);
        }
        const double mx = *std::max_element(sent.begin(), sent.end());
        if (mx > 0) for (auto& v : sent) v /= mx;
        auto& t = masks[std::size_t(send.to)];
        if (t.empty()) t = sent;
        else for (std::size_t k = 0; k < t.size(); ++k) t[k] += sent[k];
      }
    }
  }
  return result;
}

}  // namespace

int main() {
  return yst::run("test_vbp", {
    {"small YOLO graph = reference, batch of 2", [] {
      Rng rng(31);
      yst::TestGraph tg = yst::smallYolo(rng, 32);
      const int n = 2;
      std::vector<double> x(std::size_t(n) * tg.shape(0).elements());
      for (auto& v : x) v = rng.uniform(0.0f, 1.0f);
      const yst::Forward f = yst::forward(tg, n, x);
      const VbpPlan plan = yst::vbpPlanFor(tg.desc);
      CHECK(plan.steps.back().node == 0);
      auto model = createCpuModel(tg.desc, {});
      std::vector<float> out(std::size_t(n) * 32 * 32);
      model->visualBackProp(plan, f.tape(), {out.data(), out.size()});
      const auto want = referenceVbp(tg.desc, plan, f);
      CHECK(yst::relError(out, want) < 1e-5);
      CHECK(*std::max_element(out.begin(), out.end()) == 1.0f);
      CHECK(*std::min_element(out.begin(), out.end()) == 0.0f);
      // The two images differ, so their maps must too.
      CHECK(!std::equal(out.begin(), out.begin() + 1024, out.begin() + 1024));
    }},
    {"YOLOv4 blocks (grouped and depthwise convs, slices, mish, swish) = reference", [] {
      Rng rng(33);
      yst::TestGraph tg = yst::smallYoloV4(rng, 32);
      const int n = 2;
      std::vector<double> x(std::size_t(n) * tg.shape(0).elements());
      for (auto& v : x) v = rng.uniform(0.0f, 1.0f);
      const yst::Forward f = yst::forward(tg, n, x);
      const VbpPlan plan = yst::vbpPlanFor(tg.desc);
      // Slices send the mask unchanged; grouped convs the same transposed conv as any conv.
      int slices = 0, grouped = 0;
      for (const VbpStep& st : plan.steps) {
        const NodeDesc& nd = tg.desc.nodes[std::size_t(st.node)];
        if (nd.kind == NodeKind::Slice) slices += st.sends.size() == 1 && st.sends[0].op.kind == VbpOpKind::Identity;
        if (nd.kind == NodeKind::Conv && nd.conv.groups > 1) grouped += st.sends[0].op.kind == VbpOpKind::OnesTransposedConv;
      }
      CHECK(slices == 2 && grouped == 5);
      auto model = createCpuModel(tg.desc, {});
      std::vector<float> out(std::size_t(n) * 32 * 32);
      model->visualBackProp(plan, f.tape(), {out.data(), out.size()});
      CHECK(yst::relError(out, referenceVbp(tg.desc, plan, f)) < 1e-5);
      CHECK(*std::max_element(out.begin(), out.end()) == 1.0f);
    }},
    {"by hand: 3x3 conv, leaky, head on a 4x4 input", [] {
      // mean map m (2 images); seed 1 * m; identity to the conv (normalised by max); the
      // conv sends the all-ones 3x3 transposed conv (pad 1): each pixel sums its 3x3
      // neighbourhood; then normalised by max, then min-max.
      Rng rng(32);
      yst::TestGraph tg;
      const int x = tg.input(1, 4, 4);
      const int c = tg.conv(x, 2, 3, 1, {1, 1, 1, 1}, rng);
      const int a = tg.activation(c, Activation::Leaky);
      tg.yolo(a);
      yst::Forward f;
      f.batch = 1;
      f.out.resize(4), f.signs.resize(4), f.output.resize(4), f.input.resize(4), f.argmax.resize(4), f.mean.resize(4);
      f.mean[std::size_t(a)] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};  // pixels (1,1)=1, (3,3)=2
      auto model = createCpuModel(tg.desc, {});
      std::vector<float> out(16);
      model->visualBackProp(yst::vbpPlanFor(tg.desc), f.tape(), {out.data(), out.size()});
      // After normalising by max: (1,1) = 0.5, (3,3) = 1. Windows: (1,1) covers rows/cols 0..2,
      // (3,3) covers rows/cols 2..3. Sum, then /max (1.5 at (2,2)), then min-max (min 0).
      std::vector<float> want(16, 0.0f);
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) {
          float v = 0;
          if (i <= 2 && j <= 2) v += 0.5f;
          if (i >= 2 && j >= 2) v += 1.0f;
          want[std::size_t(i * 4 + j)] = v / 1.5f;
        }
      CHECK(yst::relError(out, want) < 1e-6);
    }},
    {"kernels: average pool and constant map", [] {
      ThreadPool pool(2);
      std::vector<float> m = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
      std::vector<float> out(4);
      cpu::vbpAveragePool(pool, 1, 4, 4, 2, m.data(), out.data());
      CHECK((out == std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f}));
      std::vector<float> flat(8, 3.0f);
      cpu::vbpNormaliseMinMax(pool, 2, 4, flat.data());
      CHECK(std::all_of(flat.begin(), flat.end(), [](float v) { return v == 0.0f; }));
      std::vector<float> z(4, 0.0f);
      cpu::vbpNormaliseByMax(pool, 1, 4, z.data());  // max 0: unchanged, no NaN
      CHECK(std::all_of(z.begin(), z.end(), [](float v) { return v == 0.0f; }));
    }},
  });
}
