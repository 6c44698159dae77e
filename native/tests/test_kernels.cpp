// Each CPU kernel against a direct reference loop, on seeded random shapes.
#include <cstring>
#include <tuple>

#include "check.h"
#include "reference.h"
#include "ys/cpu_kernels.h"
#include "ys/status.h"

using namespace ys;
using yst::Rng;

namespace {

struct ConvCase {
  int n, c, h, w, o, k, s;
  Pads pads;
};

void checkConvCase(const ConvCase& cc, Rng& rng) {
  cpu::ConvGeometry g;
  g.c = cc.c, g.h = cc.h, g.w = cc.w, g.o = cc.o, g.kh = g.kw = cc.k, g.stride = cc.s, g.pads = cc.pads;
  g.oh = yst::outSize(cc.h, cc.k, cc.s, cc.pads.top, cc.pads.bottom);
  g.ow = yst::outSize(cc.w, cc.k, cc.s, cc.pads.left, cc.pads.right);
  const auto wt = rng.floats(std::size_t(g.o) * g.c * g.kh * g.kw);
  const auto dy = rng.floats(std::size_t(cc.n) * g.o * g.oh * g.ow);
  const auto want = yst::naiveConvBackwardData(cc.n, g.c, g.h, g.w, g.o, g.oh, g.ow, g.kh, g.kw, g.stride, g.pads, wt, dy);
  cpu::PackedConvWeights packed(g, wt.data(), Isa::Auto);
  std::vector<float> first;
  for (int threads : {1, 2, 3}) {
    ThreadPool pool(threads);
    std::vector<float> dx(want.size(), 123.0f);
    cpu::convBackwardData(pool, packed, cc.n, dy.data(), dx.data(), false);
    const double err = yst::relError(dx, want);
    CHECK_MSG(err < 2e-5, "c=%d h=%d w=%d o=%d k=%d s=%d pads=(%d,%d,%d,%d) threads=%d err=%g", cc.c, cc.h, cc.w, cc.o,
              cc.k, cc.s, cc.pads.top, cc.pads.left, cc.pads.bottom, cc.pads.right, threads, err);
    if (first.empty()) first = dx;
    else CHECK_MSG(std::memcmp(first.data(), dx.data(), dx.size() * 4) == 0, "threads=%d not bit-identical", threads);
    // accumulate adds onto what is there.
    std::vector<float> acc(want.size(), 1.0f);
    cpu::convBackwardData(pool, packed, cc.n, dy.data(), acc.data(), true);
    std::vector<double> wantAcc(want);
    for (auto& v : wantAcc) v += 1.0;
    CHECK(yst::relError(acc, wantAcc) < 2e-5);
  }
}

/** The code paths this CPU runs; each kernel with one per ISA is run on every one of them. */
std::vector<Isa> paths() {
  std::vector<Isa> out;
  for (Isa isa : allIsas())
    if (isaAvailable(isa)) out.push_back(isa);
  return out;
}

struct GroupedCase {
  int n, c, h, w, o, kh, kw, s;
  Pads pads;
  int groups;
};

/** A grouped or depthwise conv against the direct reference, on every code path and 1-3
 *  threads (bit for bit the same across thread counts), overwriting and accumulating. */
void checkGroupedCase(const GroupedCase& cc, Rng& rng) {
  cpu::ConvGeometry g;
  g.c = cc.c, g.h = cc.h, g.w = cc.w, g.o = cc.o, g.kh = cc.kh, g.kw = cc.kw, g.stride = cc.s, g.pads = cc.pads;
  g.groups = cc.groups;
  g.oh = yst::outSize(cc.h, cc.kh, cc.s, cc.pads.top, cc.pads.bottom);
  g.ow = yst::outSize(cc.w, cc.kw, cc.s, cc.pads.left, cc.pads.right);
  const auto wt = rng.floats(std::size_t(g.o) * (g.c / g.groups) * g.kh * g.kw);
  const auto dy = rng.floats(std::size_t(cc.n) * g.o * g.oh * g.ow);
  const auto want = yst::naiveConvBackwardData(cc.n, g.c, g.h, g.w, g.o, g.oh, g.ow, g.kh, g.kw, g.stride, g.pads, wt, dy, g.groups);
  for (Isa isa : paths()) {
    cpu::PackedConvWeights packed(g, wt.data(), isa);
    std::vector<float> first;
    for (int threads : {1, 2, 3}) {
      ThreadPool pool(threads);
      std::vector<float> dx(want.size(), 123.0f);
      cpu::convBackwardData(pool, packed, cc.n, dy.data(), dx.data(), false);
      const double err = yst::relError(dx, want);
      CHECK_MSG(err < 2e-5, "%s: c=%d h=%d w=%d o=%d k=%dx%d s=%d pads=(%d,%d,%d,%d) groups=%d threads=%d err=%g", isaName(isa),
                cc.c, cc.h, cc.w, cc.o, cc.kh, cc.kw, cc.s, cc.pads.top, cc.pads.left, cc.pads.bottom, cc.pads.right, cc.groups,
                threads, err);
      if (first.empty()) first = dx;
      else CHECK_MSG(std::memcmp(first.data(), dx.data(), dx.size() * 4) == 0, "%s threads=%d not bit-identical", isaName(isa), threads);
      std::vector<float> acc(want.size(), 1.0f);
      cpu::convBackwardData(pool, packed, cc.n, dy.data(), acc.data(), true);
      std::vector<double> wantAcc(want);
      for (auto& v : wantAcc) v += 1.0;
      CHECK_MSG(yst::relError(acc, wantAcc) < 2e-5, "%s accumulate groups=%d", isaName(isa), cc.groups);
    }
  }
}

/** x for the smooth rectifiers: a spread of values, and the edges of the formulas. */
std::vector<float> smoothRectifierInputs(Rng& rng, std::size_t n) {
  std::vector<float> x = rng.floats(n, -8.0f, 8.0f);
  const float edges[] = {0.0f,   -0.0f,  1e-30f,  -1e-30f, 1e-7f,  -1e-7f, 1e-3f,  -1e-3f, 0.5f,   -0.5f,  19.99f,
                         20.0f,  20.01f, -20.0f,  25.0f,   -25.0f, 30.0f,  -30.0f, 40.0f,  -40.0f, 86.9f,  -86.9f,
                         87.0f,  -87.0f, 87.1f,   -87.1f,  88.0f,  -88.0f, 100.0f, -100.0f, 1e4f,  -1e4f,  3e38f,
                         -3e38f, 1e-40f, -1e-40f};
  std::size_t k = 0;
  for (float e : edges) x[k++] = e;
  return x;
}

}  // namespace

int main() {
  return yst::run("test_kernels", {
    {"conv backward-data: kernels 1/3, strides 1/2, pads", [] {
      Rng rng(1);
      const Pads sym{1, 1, 1, 1}, none{0, 0, 0, 0}, kerasStyle{1, 1, 0, 0}, tlbr1{1, 0, 1, 0}, tlbr2{0, 1, 0, 1};
      for (int k : {1, 3})
        for (int s : {1, 2})
          for (Pads p : {none, sym, kerasStyle, tlbr1, tlbr2}) {
            ConvCase cc{2, rng.integer(1, 12), rng.integer(5, 19), rng.integer(5, 19), rng.integer(1, 20), k, s, p};
            checkConvCase(cc, rng);
          }
    }},
    {"conv backward-data: many blocks, bands and O > KC", [] {
      Rng rng(2);
      checkConvCase({1, 40, 40, 44, 24, 3, 1, {1, 1, 1, 1}}, rng);   // 4 channel blocks, 4 bands
      checkConvCase({1, 23, 9, 7, 300, 3, 2, {1, 1, 0, 0}}, rng);    // O spans two KC blocks
      checkConvCase({2, 130, 6, 6, 33, 1, 1, {0, 0, 0, 0}}, rng);    // 1x1, 2 blocks of 96 rows
      checkConvCase({1, 5, 17, 13, 7, 5, 3, {2, 1, 2, 0}}, rng);     // 5x5 stride 3 odd pads
    }},
    {"leaky / relu backward: plain and guided", [] {
      Rng rng(3);
      ThreadPool pool(2);
      const std::int64_t n = 70001;
      const auto g = rng.floats(std::size_t(n));
      std::vector<std::uint8_t> signs(static_cast<std::size_t>(n));
      for (auto& s : signs) s = rng.uniform() > 0 ? 1 : 0;
      for (Activation kind : {Activation::Leaky, Activation::Relu})
        for (Rule rule : {Rule::Plain, Rule::Guided}) {
          std::vector<float> dx(std::size_t(n), 0.5f);
          cpu::ActivationSaved saved;
          saved.signs = signs.data();
          cpu::activationBackward(pool, {kind, 0.1f}, rule, n, g.data(), saved, dx.data(), true);
          for (std::int64_t i = 0; i < n; ++i) {
            float want;
            if (rule == Rule::Guided) want = signs[i] ? std::max(g[i], 0.0f) : 0.0f;
            else want = signs[i] ? g[i] : (kind == Activation::Leaky ? 0.1f * g[i] : 0.0f);
            if (dx[std::size_t(i)] != 0.5f + want) {
              CHECK_MSG(false, "i=%lld", (long long)i);
              break;
            }
          }
        }
    }},
    {"logistic and linear backward", [] {
      Rng rng(4);
      ThreadPool pool(2);
      const std::int64_t n = 5000;
      const auto g = rng.floats(std::size_t(n));
      const auto s = rng.floats(std::size_t(n), 0.0f, 1.0f);
      for (Rule rule : {Rule::Plain, Rule::Guided}) {
        std::vector<float> dx(static_cast<std::size_t>(n));
        cpu::ActivationSaved saved;
        saved.output = s.data();
        cpu::activationBackward(pool, {Activation::Logistic, 0}, rule, n, g.data(), saved, dx.data(), false);
        for (std::int64_t i = 0; i < n; ++i) CHECK(std::fabs(dx[i] - g[i] * s[i] * (1 - s[i])) < 1e-7f);
        cpu::activationBackward(pool, {Activation::Linear, 0}, rule, n, g.data(), {}, dx.data(), false);
        CHECK(dx == g);
      }
    }},
    {"maxpool backward: per-plane argmax, accumulate, bad index", [] {
      Rng rng(5);
      ThreadPool pool(3);
      struct P { int size, stride; Pads pads; };
      for (P p : {P{2, 2, {0, 0, 0, 0}}, P{2, 1, {0, 0, 1, 1}}, P{3, 2, {1, 1, 1, 1}}, P{5, 1, {2, 2, 2, 2}}}) {
        yst::TestGraph tg;
        const int x = tg.input(rng.integer(1, 5), rng.integer(6, 13), rng.integer(6, 13));
        const int pool1 = tg.maxpool(x, p.size, p.stride, p.pads);
        const int n = 2;
        const ys::Shape is = tg.shape(x), os = tg.shape(pool1);
        std::vector<double> input(std::size_t(n) * is.elements());
        for (auto& v : input) v = double(rng.integer(-3, 3));  // many ties: first max wins
        const yst::Forward f = yst::forward(tg, n, input);
        const auto g = rng.floats(std::size_t(n) * os.elements());
        const std::size_t outPlane = std::size_t(os.h) * os.w, inPlane = std::size_t(is.h) * is.w;
        std::vector<double> want(input.size(), 0.0);
        for (std::size_t k = 0; k < g.size(); ++k) want[yst::argmaxFlat(f.argmax[1], k, outPlane, inPlane)] += g[k];
        std::vector<float> dx(input.size(), 7.0f);
        cpu::maxpoolBackward(pool, n, is.c, is.h, is.w, os.h, os.w, g.data(), f.argmax[1].data(), dx.data(), false, "pool");
        CHECK(yst::relError(dx, want) < 1e-6);
        std::vector<float> acc(input.size(), 1.0f);
        cpu::maxpoolBackward(pool, n, is.c, is.h, is.w, os.h, os.w, g.data(), f.argmax[1].data(), acc.data(), true, "pool");
        for (auto& v : want) v += 1.0;
        CHECK(yst::relError(acc, want) < 1e-6);
        for (std::int32_t bad : {-1, std::int32_t(inPlane)}) {
          auto idx = f.argmax[1];
          idx[idx.size() - 1] = bad;
          bool threw = false;
          try {
            cpu::maxpoolBackward(pool, n, is.c, is.h, is.w, os.h, os.w, g.data(), idx.data(), dx.data(), false, "pool");
          } catch (const ys::Error& e) {
            threw = e.code() == ys::ErrorCode::TapeMismatch && std::string(e.what()).find("'pool'") != std::string::npos;
          }
          CHECK_MSG(threw, "index %d of a plane of %zu pixels was accepted", bad, inPlane);
        }
      }
    }},
    {"NHWC <-> NCHW at the edges", [] {
      Rng rng(8);
      ThreadPool pool(2);
      for (auto [n, c, hw] : {std::tuple<int, int, int>{2, 255, 13 * 13}, {1, 3, 64 * 64 + 5}, {3, 40, 33}}) {
        const auto nhwc = rng.floats(std::size_t(n) * c * hw);
        std::vector<float> nchw(nhwc.size(), 0.5f), back(nhwc.size());
        cpu::nhwcToNchw(pool, n, c, hw, nhwc.data(), nchw.data(), true);
        bool ok = true;
        for (int b = 0; b < n; ++b)
          for (int k = 0; k < c; ++k)
            for (int p = 0; p < hw; ++p)
              ok = ok && nchw[(std::size_t(b) * c + k) * hw + p] == 0.5f + nhwc[(std::size_t(b) * hw + p) * c + k];
        CHECK_MSG(ok, "nhwcToNchw n=%d c=%d hw=%d", n, c, hw);
        cpu::nhwcToNchw(pool, n, c, hw, nhwc.data(), nchw.data(), false);
        cpu::nchwToNhwc(pool, n, c, hw, nchw.data(), back.data());
        CHECK(back == nhwc);
      }
    }},
    {"upsample backward sums each block", [] {
      Rng rng(6);
      ThreadPool pool(2);
      for (int f : {2, 3}) {
        const int n = 2, c = 5, h = 7, w = 6;
        const auto g = rng.floats(std::size_t(n) * c * h * f * w * f);
        std::vector<double> want(std::size_t(n) * c * h * w, 0.0);
        for (int b = 0; b < n * c; ++b)
          for (int y = 0; y < h * f; ++y)
            for (int x = 0; x < w * f; ++x)
              want[(std::size_t(b) * h + y / f) * w + x / f] += g[(std::size_t(b) * h * f + y) * w * f + x];
        std::vector<float> dx(want.size(), 0.0f);
        cpu::upsampleBackward(pool, n, c, h, w, f, g.data(), dx.data(), false);
        CHECK(yst::relError(dx, want) < 1e-6);
      }
    }},
    {"concat split and add pass", [] {
      Rng rng(7);
      ThreadPool pool(2);
      const int n = 3, ca = 4, cb = 6;
      const std::int64_t hw = 35;
      const auto g = rng.floats(std::size_t(n) * (ca + cb) * hw);
      std::vector<float> a(std::size_t(n) * ca * hw), b(std::size_t(n) * cb * hw, 1.0f);
      cpu::channelSliceBackward(pool, n, ca + cb, 0, ca, hw, g.data(), a.data(), false);
      cpu::channelSliceBackward(pool, n, ca + cb, ca, cb, hw, g.data(), b.data(), true);
      for (int im = 0; im < n; ++im)
        for (std::int64_t k = 0; k < ca * hw; ++k) CHECK(a[im * ca * hw + k] == g[im * (ca + cb) * hw + k]);
      for (int im = 0; im < n; ++im)
        for (std::int64_t k = 0; k < cb * hw; ++k) CHECK(b[im * cb * hw + k] == 1.0f + g[im * (ca + cb) * hw + ca * hw + k]);
    }},
    {"grouped conv backward-data: 2-6 groups, kernels 1/3, strides 1/2, pads", [] {
      Rng rng(31);
      const Pads sym{1, 1, 1, 1}, none{0, 0, 0, 0}, kerasStyle{1, 1, 0, 0}, odd{0, 1, 2, 1};
      for (int groups : {2, 3, 4, 6})
        for (int k : {1, 3})
          for (int s : {1, 2})
            for (Pads p : {none, sym, kerasStyle, odd}) {
              const int cg = rng.integer(1, 5), og = rng.integer(1, 7);
              checkGroupedCase({2, groups * cg, rng.integer(5, 17), rng.integer(5, 17), groups * og, k, k, s, p, groups}, rng);
            }
      // Many blocks per group, and O per group across two KC blocks.
      checkGroupedCase({1, 2 * 40, 20, 22, 2 * 24, 3, 3, 1, sym, 2}, rng);
      checkGroupedCase({1, 2 * 7, 9, 7, 2 * 300, 3, 3, 2, kerasStyle, 2}, rng);
    }},
    {"depthwise conv backward-data: multipliers 1/2, strides 1/2, asymmetric and wide pads, row widths", [] {
      Rng rng(32);
      const Pads sym{1, 1, 1, 1}, none{0, 0, 0, 0}, kerasStyle{1, 1, 0, 0}, odd{0, 1, 2, 1}, wide{3, 4, 2, 3};
      for (int m : {1, 2})
        for (int s : {1, 2})
          for (Pads p : {sym, none, kerasStyle, odd, wide})
            for (int w : {1, 7, 16, 17, 33, 70}) {  // across the 8- and 16-lane vectors and the 4x unrolled loops
              const int c = rng.integer(2, 6), h = rng.integer(3, 9);
              if (yst::outSize(h, 3, s, p.top, p.bottom) < 1 || yst::outSize(w, 3, s, p.left, p.right) < 1) continue;
              checkGroupedCase({2, c, h, w, c * m, 3, 3, s, p, c}, rng);
            }
      checkGroupedCase({1, 5, 9, 11, 10, 5, 5, 1, {2, 2, 2, 2}, 5}, rng);   // 5x5
      checkGroupedCase({1, 4, 13, 12, 12, 1, 1, 1, none, 4}, rng);          // 1x1, multiplier 3
      checkGroupedCase({3, 3, 8, 6, 3, 3, 2, 2, {1, 0, 1, 1}, 3}, rng);     // 3x2 kernel
      checkGroupedCase({1, 24, 40, 40, 24, 3, 3, 1, sym, 24}, rng);         // a yolo-fastest layer
    }},
    {"slice backward: its channels, zeros or the running value elsewhere", [] {
      Rng rng(33);
      ThreadPool pool(2);
      for (auto [n, c, start, count, hw] : {std::tuple<int, int, int, int, int>{2, 8, 4, 4, 35}, {1, 6, 0, 3, 1}, {3, 10, 2, 5, 70000}}) {
        const auto g = rng.floats(std::size_t(n) * count * hw);
        for (bool accumulate : {false, true}) {
          std::vector<float> dx(std::size_t(n) * c * hw, 0.5f);
          cpu::sliceBackward(pool, n, c, start, count, hw, g.data(), dx.data(), accumulate);
          bool ok = true;
          for (int b = 0; b < n; ++b)
            for (int ch = 0; ch < c; ++ch)
              for (int p = 0; p < hw; ++p) {
                const float base = accumulate ? 0.5f : 0.0f;
                const bool in = ch >= start && ch < start + count;
                const float want = in ? base + g[(std::size_t(b) * count + (ch - start)) * hw + p] : base;
                ok = ok && dx[(std::size_t(b) * c + ch) * hw + p] == want;
              }
          CHECK_MSG(ok, "n=%d c=%d start=%d count=%d hw=%d accumulate=%d", n, c, start, count, hw, int(accumulate));
        }
      }
    }},
    {"mish and swish backward: plain and guided, every code path, near 0 and large |x|", [] {
      Rng rng(34);
      ThreadPool pool(2);
      const std::int64_t n = 40003;
      const auto x = smoothRectifierInputs(rng, std::size_t(n));
      auto g = rng.floats(std::size_t(n));
      g[1] = 0.0f, g[2] = -1.0f, g[3] = 1.0f;
      for (Activation kind : {Activation::Mish, Activation::Swish})
        for (Rule rule : {Rule::Plain, Rule::Guided}) {
          std::vector<float> first;
          for (Isa isa : paths()) {
            cpu::ActivationSaved saved;
            saved.input = x.data();
            std::vector<float> dx(std::size_t(n), 0.25f), set(std::size_t(n), 7.0f);
            cpu::activationBackward(cpu::Exec(pool, isa), {kind, 0.1f}, rule, n, g.data(), saved, dx.data(), true);
            cpu::activationBackward(cpu::Exec(pool, isa), {kind, 0.1f}, rule, n, g.data(), saved, set.data(), false);
            double worst = 0;
            std::int64_t at = 0;
            bool gated = true;
            for (std::int64_t i = 0; i < n; ++i) {
              const double d = kind == Activation::Mish ? yst::mishDerivative(x[i]) : yst::swishDerivative(x[i]);
              const bool open = rule == Rule::Plain || (g[i] > 0 && x[i] > 0);
              const double want = open ? double(g[i]) * d : 0.0;
              const double err = std::fabs(double(set[i]) - want);
              if (err > worst) worst = err, at = i;
              if (!open) gated = gated && set[i] == 0.0f && dx[i] == 0.25f;
              if (std::fabs(double(dx[i]) - (0.25 + double(set[i]))) > 1e-7) gated = false;
            }
            CHECK_MSG(worst < 1e-6, "%s %s %s: max error %g at x=%g", isaName(isa), kind == Activation::Mish ? "mish" : "swish",
                      rule == Rule::Guided ? "guided" : "plain", worst, double(x[at]));
            CHECK_MSG(gated, "%s: closed units pass nothing / accumulate adds", isaName(isa));
            // Every path computes the same floats (no FMA contraction; the same polynomial exp).
            if (first.empty()) first = set;
            else CHECK_MSG(std::memcmp(first.data(), set.data(), set.size() * 4) == 0, "%s differs from %s", isaName(isa), isaName(paths()[0]));
          }
        }
    }},
    {"thread pool: every index once, exceptions carried back", [] {
      ThreadPool pool(3);
      std::vector<int> hits(1000, 0);
      pool.parallelFor(1000, [&](std::int64_t i) { hits[std::size_t(i)]++; });
      CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
      bool caught = false;
      try {
        pool.parallelFor(100, [](std::int64_t i) {
          if (i == 37) throw ys::Error(ys::ErrorCode::Internal, "task 37");
        });
      } catch (const ys::Error& e) {
        caught = std::string(e.what()) == "task 37";
      }
      CHECK(caught);
      pool.parallelFor(10, [&](std::int64_t i) { hits[std::size_t(i)]++; });  // still usable
      CHECK(hits[9] == 2);
    }},
  });
}
