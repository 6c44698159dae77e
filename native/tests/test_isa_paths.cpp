// Every CPU code path that can be forced (CpuOptions::isa, the binding's `isa` option), run
// explicitly: the GEMM alone (plain and grouped), the depthwise kernel alone, and whole-model
// backwards (the YOLOv3 blocks; the YOLOv4 blocks with mish, swish, grouped and depthwise convs
// and slices). The FMA paths (avx2, avx512) sum in the same order, so they must agree bit for
// bit; the scalar path rounds each product separately, so it agrees to float32 rounding. (Mish
// and swish compute the same floats on every path: test_kernels.) Paths this CPU or build lacks are skipped with
// the reason, and forcing one is refused saying it.
#include <cstring>
#include <string>

#include "check.h"
#include "reference.h"
#include "ys/build_info.h"
#include "ys/cpu_kernels.h"
#include "ys/model.h"
#include "ys/status.h"

using namespace ys;

namespace {

std::vector<float> runConv(Isa isa, const cpu::ConvGeometry& g, int n, const std::vector<float>& wt, const std::vector<float>& dy) {
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

/** The forceable paths; prints the ones skipped and why. */
std::vector<Isa> availablePaths() {
  std::vector<Isa> out;
  for (Isa isa : allIsas()) {
    if (isaAvailable(isa)) out.push_back(isa);
    else std::printf("  skipped %s: %s\n", isaName(isa), isaUnavailableReason(isa).c_str());
  }
  return out;
}

/** a and b from two paths: bit for bit when both use FMA, else to float32 rounding (and not
 *  bit for bit, which would mean one path ran twice). */
void compare(const char* what, Isa a, Isa b, const std::vector<float>& x, const std::vector<float>& y) {
  if (a != Isa::Scalar && b != Isa::Scalar) {
    CHECK_MSG(x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * 4) == 0, "%s: %s != %s bit for bit", what,
              isaName(a), isaName(b));
  } else {
    const double err = yst::relError(x, y);
    CHECK_MSG(err < 1e-5 && err > 0, "%s: %s vs %s err=%g", what, isaName(a), isaName(b), err);
  }
}

/** Grouped (GEMM per group) and depthwise (direct kernel) convs. */
std::vector<cpu::ConvGeometry> groupedCases() {
  std::vector<cpu::ConvGeometry> out;
  auto add = [&](int c, int h, int w, int o, int k, int s, Pads p, int groups) {
    cpu::ConvGeometry g;
    g.c = c, g.h = h, g.w = w, g.o = o, g.kh = g.kw = k, g.stride = s, g.pads = p, g.groups = groups;
    g.oh = yst::outSize(h, k, s, p.top, p.bottom);
    g.ow = yst::outSize(w, k, s, p.left, p.right);
    out.push_back(g);
  };
  add(32, 26, 26, 64, 3, 1, {1, 1, 1, 1}, 4);
  add(24, 19, 23, 12, 1, 1, {0, 0, 0, 0}, 3);
  add(48, 40, 40, 48, 3, 1, {1, 1, 1, 1}, 48);   // depthwise
  add(16, 33, 70, 32, 3, 2, {1, 1, 0, 0}, 16);   // depthwise, multiplier 2, stride 2
  add(8, 9, 17, 8, 5, 1, {2, 1, 2, 3}, 8);       // depthwise 5x5, odd pads
  return out;
}

std::vector<float> modelBackward(Isa isa, const yst::Problem& p) {
  CpuOptions options;
  options.threads = 2;
  options.isa = isa;
  auto model = createCpuModel(p.graph.desc, options);
  CHECK(model->cpuCodePath() == isa);
  CHECK(model->device().find(std::string(" ") + isaName(isa) + " ") != std::string::npos);
  std::vector<float> out(p.x.size());
  model->backward(p.fwd.tape(), p.heads(), Rule::Guided, 0, {out.data(), out.size()});
  return out;
}

}  // namespace

int main() {
  return yst::run("test_isa_paths", {
    {"one list of code-path names", [] {
      for (Isa isa : allIsas()) {
        Isa parsed = Isa::Auto;
        CHECK(parseIsa(isaName(isa), parsed) && parsed == isa);
      }
      Isa parsed = Isa::Scalar;
      CHECK(parseIsa("auto", parsed) && parsed == Isa::Auto);
      CHECK(!parseIsa("avx512f", parsed) && !parseIsa("sse", parsed));
      const BuildInfo info = buildInfo();
      std::printf("  code path %s; available %s; compiled %s; CPU features %s\n", info.cpuCodePath.c_str(),
                  info.cpuCodePathsAvailable.c_str(), info.cpuCodePathsCompiled.c_str(), info.cpuFeaturesDetected.c_str());
      CHECK(info.cpuCodePath == isaName(resolveIsa(Isa::Auto)));
      CHECK(info.cpuCodePathsCompiled.rfind("scalar", 0) == 0);
      CHECK(info.cpuCodePathsAvailable.find(info.cpuCodePath) != std::string::npos);
    }},
    {"GEMM: every available path against the others", [] {
      const auto paths = availablePaths();
      yst::Rng rng(11);
      for (const auto& g : cases()) {
        const auto wt = rng.floats(std::size_t(g.o) * g.c * g.kh * g.kw);
        const auto dy = rng.floats(std::size_t(2) * g.o * g.oh * g.ow);
        std::vector<std::vector<float>> results;
        for (Isa isa : paths) results.push_back(runConv(isa, g, 2, wt, dy));
        for (std::size_t a = 0; a < paths.size(); ++a)
          for (std::size_t b = a + 1; b < paths.size(); ++b) compare("gemm", paths[a], paths[b], results[a], results[b]);
      }
    }},
    {"grouped and depthwise convs: every available path against the others", [] {
      const auto paths = availablePaths();
      yst::Rng rng(12);
      for (const auto& g : groupedCases()) {
        const auto wt = rng.floats(std::size_t(g.o) * (g.c / g.groups) * g.kh * g.kw);
        const auto dy = rng.floats(std::size_t(2) * g.o * g.oh * g.ow);
        std::vector<std::vector<float>> results;
        for (Isa isa : paths) results.push_back(runConv(isa, g, 2, wt, dy));
        for (std::size_t a = 0; a < paths.size(); ++a)
          for (std::size_t b = a + 1; b < paths.size(); ++b)
            compare(cpu::isDepthwise(g) ? "depthwise" : "grouped", paths[a], paths[b], results[a], results[b]);
      }
    }},
    {"model backward, YOLOv4 blocks: every available path against the others", [] {
      const auto paths = availablePaths();
      yst::Problem p = yst::smallYoloV4Problem(15, 32);
      std::vector<std::vector<float>> results;
      for (Isa isa : paths) {
        results.push_back(modelBackward(isa, p));
        std::printf("  ran %s\n", isaName(isa));
      }
      for (std::size_t a = 0; a < paths.size(); ++a)
        for (std::size_t b = a + 1; b < paths.size(); ++b) compare("model v4", paths[a], paths[b], results[a], results[b]);
    }},
    {"model backward: every available path against the others", [] {
      const auto paths = availablePaths();
      yst::Problem p = yst::smallYoloProblem(13, 32);
      std::vector<std::vector<float>> results;
      for (Isa isa : paths) {
        results.push_back(modelBackward(isa, p));
        std::printf("  ran %s\n", isaName(isa));
      }
      for (std::size_t a = 0; a < paths.size(); ++a)
        for (std::size_t b = a + 1; b < paths.size(); ++b) compare("model", paths[a], paths[b], results[a], results[b]);
    }},
    {"a path that is not available is refused saying why", [] {
      yst::Rng rng(14);
      yst::TestGraph graph = yst::smallYolo(rng);
      for (Isa isa : allIsas()) {
        if (isaAvailable(isa)) continue;
        CpuOptions options;
        options.isa = isa;
        try {
          createCpuModel(graph.desc, options);
          CHECK_MSG(false, "%s was accepted", isaName(isa));
        } catch (const Error& e) {
          CHECK(e.code() == ErrorCode::Unsupported);
          CHECK(std::string(e.what()).find(isaUnavailableReason(isa)) != std::string::npos);
        }
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
