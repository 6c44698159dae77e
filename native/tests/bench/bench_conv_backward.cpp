// Times conv backward-data over every conv of a model (batch 1 by default) and reports GFLOP/s
// (2*C/groups*kh*kw*O*oh*ow per conv per image). Not a test.
//   bench_conv_backward [--model yolov3|yolo-fastest-xl] [--threads T] [--isa auto|scalar|avx2|avx512]
//                       [--repeat R] [--batch N]
// yolov3: darknet yolov3.cfg at 416x416 (the default). yolo-fastest-xl: Yolo-Fastest-1.1-xl.cfg
// at 320x320, whose depthwise convs (groups = channels) take the direct kernel: their total is
// reported apart.
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
  int c, h, w, o, k, s, pad, count;  // count: how many convs of the model have this shape
  int groups = 1;
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

// Distinct conv shapes of Yolo-Fastest-1.1-xl.cfg at 320x320 (core's loadDarknet + inferShapes:
// 56 dense convs, 28 depthwise), with counts; groups last.
const Layer kYoloFastestXl[] = {
    {3, 320, 320, 16, 3, 2, 1, 1, 1},       {16, 160, 160, 16, 1, 1, 0, 1, 1},      {16, 160, 160, 16, 3, 1, 1, 2, 16},
    {16, 160, 160, 8, 1, 1, 0, 2, 1},       {8, 160, 160, 16, 1, 1, 0, 1, 1},       {8, 160, 160, 48, 1, 1, 0, 1, 1},
    {48, 160, 160, 48, 3, 2, 1, 1, 48},     {48, 80, 80, 16, 1, 1, 0, 1, 1},        {16, 80, 80, 64, 1, 1, 0, 3, 1},
    {64, 80, 80, 64, 3, 1, 1, 2, 64},       {64, 80, 80, 16, 1, 1, 0, 2, 1},        {64, 80, 80, 64, 3, 2, 1, 1, 64},
    {64, 40, 40, 16, 1, 1, 0, 1, 1},        {16, 40, 40, 96, 1, 1, 0, 3, 1},        {96, 40, 40, 96, 3, 1, 1, 3, 96},
    {96, 40, 40, 16, 1, 1, 0, 2, 1},        {96, 40, 40, 32, 1, 1, 0, 1, 1},        {32, 40, 40, 192, 1, 1, 0, 5, 1},
    {192, 40, 40, 192, 3, 1, 1, 4, 192},    {192, 40, 40, 32, 1, 1, 0, 4, 1},       {192, 40, 40, 192, 3, 2, 1, 1, 192},
    {192, 20, 20, 48, 1, 1, 0, 1, 1},       {48, 20, 20, 272, 1, 1, 0, 5, 1},       {272, 20, 20, 272, 3, 1, 1, 4, 272},
    {272, 20, 20, 48, 1, 1, 0, 4, 1},       {272, 20, 20, 272, 3, 2, 1, 1, 272},    {272, 10, 10, 96, 1, 1, 0, 1, 1},
    {96, 10, 10, 448, 1, 1, 0, 5, 1},       {448, 10, 10, 448, 3, 1, 1, 5, 448},    {448, 10, 10, 96, 1, 1, 0, 5, 1},
    {384, 10, 10, 96, 1, 1, 0, 1, 1},       {96, 10, 10, 96, 5, 1, 2, 2, 96},       {96, 10, 10, 96, 1, 1, 0, 2, 1},
    {96, 10, 10, 255, 1, 1, 0, 1, 1},       {144, 20, 20, 144, 5, 1, 2, 2, 144},    {144, 20, 20, 144, 1, 1, 0, 2, 1},
    {144, 20, 20, 255, 1, 1, 0, 1, 1},
};

double medianMs(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 0, repeat = 5, batch = 1;
  std::string model = "yolov3";
  ys::Isa isa = ys::Isa::Auto;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--threads") threads = std::stoi(value);
    else if (flag == "--repeat") repeat = std::max(1, std::stoi(value));
    else if (flag == "--batch") batch = std::max(1, std::stoi(value));
    else if (flag == "--model" && (value == "yolov3" || value == "yolo-fastest-xl")) model = value;
    else if (flag == "--isa") {
      isa = value == "scalar" ? ys::Isa::Scalar : value == "avx2" ? ys::Isa::Avx2 : value == "avx512" ? ys::Isa::Avx512 : ys::Isa::Auto;
    } else {
      std::fprintf(stderr, "unknown flag or value %s %s\n", flag.c_str(), value.c_str());
      return 2;
    }
  }
  if (!ys::isaAvailable(isa)) {
    std::fprintf(stderr, "bench_conv_backward: %s is not available on this CPU/build\n", ys::isaName(isa));
    return 2;
  }
  const bool yolov3 = model == "yolov3";
  const std::vector<Layer> layers = yolov3 ? std::vector<Layer>(std::begin(kYolov3), std::end(kYolov3))
                                           : std::vector<Layer>(std::begin(kYoloFastestXl), std::end(kYoloFastestXl));
  ys::ThreadPool pool(threads);
  const ys::BuildInfo info = ys::buildInfo();
  std::printf("%s conv backward-data, batch %d, %d threads, isa %s (%s), %s\n", yolov3 ? "yolov3@416" : "yolo-fastest-1.1-xl@320",
              batch, pool.threads(), ys::isaName(ys::resolveIsa(isa)), info.cpuFeaturesDetected.c_str(), info.compiler.c_str());
  std::printf("%5s %5s %4s %5s %2s %2s %4s %3s %9s %9s\n", "C", "HxW", "O", "out", "k", "s", "grp", "n", "ms/conv", "GFLOP/s");
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> dist(-1, 1);
  double totalMs = 0, totalFlops = 0, depthwiseMs = 0;
  int convs = 0, depthwiseConvs = 0;
  for (const Layer& l : layers) {
    ys::cpu::ConvGeometry g;
    g.c = l.c, g.h = l.h, g.w = l.w, g.o = l.o, g.kh = g.kw = l.k, g.stride = l.s, g.groups = l.groups;
    g.pads = {l.pad, l.pad, l.pad, l.pad};
    g.oh = (l.h + 2 * l.pad - l.k) / l.s + 1;
    g.ow = (l.w + 2 * l.pad - l.k) / l.s + 1;
    std::vector<float> wt(std::size_t(g.o) * (g.c / g.groups) * g.kh * g.kw), dy(std::size_t(batch) * g.o * g.oh * g.ow),
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
    const double flops = 2.0 * (g.c / g.groups) * g.kh * g.kw * g.o * g.oh * g.ow * batch;
    std::printf("%5d %5d %4d %5d %2d %2d %4d %3d %9.3f %9.1f\n", l.c, l.h, l.o, g.oh, l.k, l.s, l.groups, l.count, ms, flops / ms / 1e6);
    totalMs += ms * l.count;
    totalFlops += flops * l.count;
    convs += l.count;
    if (ys::cpu::isDepthwise(g)) depthwiseMs += ms * l.count, depthwiseConvs += l.count;
  }
  std::printf("total: %.1f ms for %.2f GFLOP (all %d convs) = %.1f GFLOP/s\n", totalMs, totalFlops / 1e9, convs,
              totalFlops / totalMs / 1e6);
  if (depthwiseConvs) {
    std::printf("depthwise: %.2f ms (%d convs, %.0f%% of the conv total)\n", depthwiseMs, depthwiseConvs, 100 * depthwiseMs / totalMs);
  }
  return 0;
}
