// The vectorised GEMM paths against the plain C++ one, run explicitly. AVX2 and AVX-512
// sum in the same order with FMA, so they must agree bit for bit; the scalar path rounds
// each product separately, so it agrees to float32 rounding.
#include <cstring>

#include "check.h"
#include "reference.h"
#include "ys/cpu_kernels.h"

using namespace ys;

namespace {

std::vector<float> run(Isa isa, const cpu::ConvGeometry& g, int n, const std::vector<float>& wt, const std::vector<float>& dy) {
  ThreadPool pool(2);
  cpu::PackedConvWeights packed(g, wt.data(), isa);
  CHECK(packed.isa() == isa);
  std::vector<float> dx(std::size_t(n) * g.c * g.h * g.w);
  cpu::convBackwardData(pool, packed, n, dy.data(), dx.data(), false);
  return dx;
}

std::vector<cpu::ConvGeometry> cases() {
  std::vector<cpu::ConvGeometry> out;
  auto add = [&](int c, int h, int w, int o, int k, int s, Pads p) {
    cpu::ConvGeometry g;
    g.c = c, g.h = h, g.w = w, g.o = o, g.kh = g.kw = k, g.stride = s, g.pads = p;
    g.oh = yst::outSize(h, k, s, p.top, p.bottom);
    g.ow = yst::outSize(w, k, s, p.left, p.right);
    out.push_back(g);
  };
  add(32, 26, 26, 64, 3, 1, {1, 1, 1, 1});
  add(64, 26, 26, 128, 3, 2, {1, 1, 0, 0});
  add(128, 13, 13, 300, 1, 1, {0, 0, 0, 0});
  add(7, 19, 23, 13, 3, 2, {0, 1, 0, 1});
  return out;
}

}  // namespace

int main() {
  std::printf("isa available: avx2=%d avx512=%d\n", int(isaAvailable(Isa::Avx2)), int(isaAvailable(Isa::Avx512)));
  return yst::run("test_isa_paths", {
    {"avx2 equals scalar (float32 rounding)", [] {
      if (!isaAvailable(Isa::Avx2)) {
        std::printf("  skipped: this CPU/build has no avx2+fma\n");
        return;
      }
      yst::Rng rng(11);
      for (const auto& g : cases()) {
        const auto wt = rng.floats(std::size_t(g.o) * g.c * g.kh * g.kw);
        const auto dy = rng.floats(std::size_t(2) * g.o * g.oh * g.ow);
        const auto scalar = run(Isa::Scalar, g, 2, wt, dy);
        const auto avx2 = run(Isa::Avx2, g, 2, wt, dy);
        const double err = yst::relError(avx2, scalar);
        CHECK_MSG(err < 1e-5 && err > 0, "c=%d o=%d k=%d err=%g (0 would mean the same path ran twice)", g.c, g.o, g.kh, err);
      }
    }},
    {"avx512 equals avx2 bit for bit", [] {
      if (!isaAvailable(Isa::Avx512) || !isaAvailable(Isa::Avx2)) {
        std::printf("  skipped: this CPU/build has no avx512f\n");
        return;
      }
      yst::Rng rng(12);
      for (const auto& g : cases()) {
        const auto wt = rng.floats(std::size_t(g.o) * g.c * g.kh * g.kw);
        const auto dy = rng.floats(std::size_t(2) * g.o * g.oh * g.ow);
        const auto a = run(Isa::Avx2, g, 2, wt, dy);
        const auto b = run(Isa::Avx512, g, 2, wt, dy);
        CHECK_MSG(std::memcmp(a.data(), b.data(), a.size() * 4) == 0, "c=%d o=%d k=%d", g.c, g.o, g.kh);
      }
    }},
    {"resolveIsa(Auto) picks the best available", [] {
      const Isa best = resolveIsa(Isa::Auto);
      CHECK(isaAvailable(best));
      if (isaAvailable(Isa::Avx512)) CHECK(best == Isa::Avx512);
      else if (isaAvailable(Isa::Avx2)) CHECK(best == Isa::Avx2);
      else CHECK(best == Isa::Scalar);
    }},
  });
}
