// Times conv backward-data over every conv of yolov3.cfg at 416x416 (batch 1 by default) and
// reports GFLOP/s (2*C*kh*kw*O*oh*ow per conv per image). Not a test.
//   bench_conv_backward [--threads T] [--isa auto|scalar|avx2|avx512] [--repeat R] [--batch N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ys/build_info.h"
#include "ys/cpu_kernels.h"

namespace {

struct Layer {
  int c, h, w, o, k, s, pad, count;  // count: how many convs of yolov3 have this shape
};

// Distinct conv shapes of darknet yolov3.cfg at 416x416 (symmetric pads k/2), with counts.
const Layer kYolov3[] = {
    {3, 416, 416, 32, 3, 1, 1, 1},
    {32, 416, 416, 64, 3, 2, 1, 1},
    {64, 208, 208, 32, 1, 1, 0, 1},
    {32, 208, 208, 64, 3, 1, 1, 1},
    {64, 208, 208, 128, 3, 2, 1, 1},
    {128, 104, 104, 64, 1, 1, 0, 2},
    {64, 104, 104, 128, 3, 1, 1, 2},
    {128, 104, 104, 256, 3, 2, 1, 1},
    {256, 52, 52, 128, 1, 1, 0, 10},
    {128, 52, 52, 256, 3, 1, 1, 11},
    {256, 52, 52, 512, 3, 2, 1, 1},
    {512, 26, 26, 256, 1, 1, 0, 10},
    {256, 26, 26, 512, 3, 1, 1, 11},
    {512, 26, 26, 1024, 3, 2, 1, 1},
    {1024, 13, 13, 512, 1, 1, 0, 7},
    {512, 13, 13, 1024, 3, 1, 1, 7},
    {1024, 13, 13, 255, 1, 1, 0, 1},
    {512, 13, 13, 256, 1, 1, 0, 1},
    {768, 26, 26, 256, 1, 1, 0, 1},
    {512, 26, 26, 255, 1, 1, 0, 1},
    {256, 26, 26, 128, 1, 1, 0, 1},
    {384, 52, 52, 128, 1, 1, 0, 1},
    {256, 52, 52, 255, 1, 1, 0, 1},
};

double medianMs(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 0, repeat = 5, batch = 1;
  ys::Isa isa = ys::Isa::Auto;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--threads") threads = std::stoi(value);
    else if (flag == "--repeat") repeat = std::max(1, std::stoi(value));
    else if (flag == "--batch") batch = std::max(1, std::stoi(value));
    else if (flag == "--isa") {
      isa = value == "scalar" ? ys::Isa::Scalar : value == "avx2" ? ys::Isa::Avx2 : value == "avx512" ? ys::Isa::Avx512 : ys::Isa::Auto;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (!ys::isaAvailable(isa)) {
    std::fprintf(stderr, "bench_conv_backward: %s is not available on this CPU/build\n", ys::isaName(isa));
    return 2;
  }
  ys::ThreadPool pool(threads);
  const ys::BuildInfo info = ys::buildInfo();
  std::printf("yolov3@416 conv backward-data, batch %d, %d threads, isa %s (%s), %s\n", batch, pool.threads(),
              ys::isaName(ys::resolveIsa(isa)), info.cpuFeaturesDetected.c_str(), info.compiler.c_str());
  std::printf("%5s %5s %4s %5s %2s %2s %3s %9s %9s\n", "C", "HxW", "O", "out", "k", "s", "n", "ms/conv", "GFLOP/s");
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> dist(-1, 1);
  double totalMs = 0, totalFlops = 0;
  for (const Layer& l : kYolov3) {
    ys::cpu::ConvGeometry g;
    g.c = l.c, g.h = l.h, g.w = l.w, g.o = l.o, g.kh = g.kw = l.k, g.stride = l.s;
    g.pads = {l.pad, l.pad, l.pad, l.pad};
    g.oh = (l.h + 2 * l.pad - l.k) / l.s + 1;
    g.ow = (l.w + 2 * l.pad - l.k) / l.s + 1;
    std::vector<float> wt(std::size_t(g.o) * g.c * g.kh * g.kw), dy(std::size_t(batch) * g.o * g.oh * g.ow),
        dx(std::size_t(batch) * g.c * g.h * g.w);
    for (auto& v : wt) v = dist(gen);
    for (auto& v : dy) v = dist(gen);
    ys::cpu::PackedConvWeights packed(g, wt.data(), isa);
    ys::cpu::convBackwardData(pool, packed, batch, dy.data(), dx.data(), false);  // warm-up
    std::vector<double> times;
    for (int r = 0; r < repeat; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      ys::cpu::convBackwardData(pool, packed, batch, dy.data(), dx.data(), false);
      times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    const double ms = medianMs(times);
    const double flops = 2.0 * g.c * g.kh * g.kw * g.o * g.oh * g.ow * batch;
    std::printf("%5d %5d %4d %5d %2d %2d %3d %9.3f %9.1f\n", l.c, l.h, l.o, g.oh, l.k, l.s, l.count, ms, flops / ms / 1e6);
    totalMs += ms * l.count;
    totalFlops += flops * l.count;
  }
  std::printf("total: %.1f ms for %.2f GFLOP (all 75 convs) = %.1f GFLOP/s\n", totalMs, totalFlops / 1e9,
              totalFlops / totalMs / 1e6);
  return 0;
}
