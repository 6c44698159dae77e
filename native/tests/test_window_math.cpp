// The index math shared with the CUDA kernels, against brute force.
#include "check.h"
#include "common/window_math.h"

using namespace ys::common;

int main() {
  return yst::run("test_window_math", {
    {"floorDiv / ceilDiv for negative numerators", [] {
      for (int a = -20; a <= 20; ++a)
        for (int b = 1; b <= 4; ++b) {
          CHECK(floorDiv(a, b) == int(std::floor(double(a) / b)));
          CHECK(ceilDiv(a, b) == int(std::ceil(double(a) / b)));
        }
    }},
    {"coveringWindows equals brute force", [] {
      for (int k = 1; k <= 4; ++k)
        for (int s = 1; s <= 3; ++s)
          for (int before = 0; before < k; ++before)
            for (int after = 0; after < k; ++after)
              for (int size = k; size <= 9; ++size) {
                const int out = windowOutputSize(size, k, s, before, after);
                for (int i = 0; i < size; ++i) {
                  int first = out, last = -1;
                  for (int o = 0; o < out; ++o)
                    if (o * s - before <= i && i <= o * s - before + k - 1) first = std::min(first, o), last = o;
                  const Range r = coveringWindows(i, k, s, before, out);
                  if (last < 0) {
                    CHECK(r.first > r.last);
                  } else {
                    CHECK_MSG(r.first == first && r.last == last, "k=%d s=%d i=%d", k, s, i);
                  }
                }
              }
    }},
    {"validOutputsForTap equals brute force", [] {
      for (int s = 1; s <= 3; ++s)
        for (int pad = 0; pad <= 2; ++pad)
          for (int off = 0; off <= 3; ++off)
            for (int size = 1; size <= 8; ++size) {
              const int out = 6;
              int first = out, last = -1;
              for (int o = 0; o < out; ++o) {
                const int i = o * s - pad + off;
                if (i >= 0 && i < size) first = std::min(first, o), last = o;
              }
              const Range r = validOutputsForTap(off, s, pad, size, out);
              if (last < 0) CHECK(r.first > r.last);
              else CHECK(r.first == first && r.last == last);
            }
    }},
    {"windowOutputSize of darknet and keras layers", [] {
      CHECK(windowOutputSize(416, 3, 2, 1, 0) == 208);   // keras ZeroPadding2D((1,0),(1,0)) + valid
      CHECK(windowOutputSize(416, 3, 2, 1, 1) == 208);   // darknet pad=1 stride 2
      CHECK(windowOutputSize(13, 2, 1, 0, 1) == 13);     // yolov3-tiny maxpool size 2 stride 1
      CHECK(windowOutputSize(5, 3, 1, 0, 0) == 3);
    }},
    {"tapOutput equals brute force; dilatedPosition is its inverse", [] {
      for (int k = 1; k <= 5; ++k)
        for (int s = 1; s <= 3; ++s)
          for (int pad = 0; pad <= 3; ++pad)
            for (int out = 1; out <= 7; ++out)
              for (int i = 0; i < 12; ++i)
                for (int tap = 0; tap < k; ++tap) {
                  int want = -1;
                  for (int o = 0; o < out; ++o)
                    if (o * s - pad + tap == i) want = o;
                  int got = -1;
                  const bool found = tapOutput(i, tap, s, pad, out, got);
                  CHECK_MSG(found == (want >= 0) && (!found || got == want), "k=%d s=%d pad=%d i=%d tap=%d", k, s, pad, i, tap);
                }
      // The CPU's dilated layout (dilatedPosition) is tapOutput's inverse.
      for (int k = 1; k <= 5; ++k)
        for (int s = 1; s <= 3; ++s)
          for (int pad = 0; pad <= 4; ++pad)
            for (int out = 1; out <= 6; ++out)
              for (int i = 0; i < 10; ++i)
                for (int tap = 0; tap < k; ++tap)
                  for (int o = 0; o < out; ++o) {
                    int found = -1;
                    const bool hit = tapOutput(i, tap, s, pad, out, found) && found == o;
                    CHECK_MSG(hit == (dilatedPosition(o, k, s, pad) == i + k - 1 - tap), "k=%d s=%d pad=%d i=%d tap=%d o=%d", k, s, pad, i, tap, o);
                  }
      CHECK(depthwiseFilter(3, 2, 1) == 7);
      CHECK(depthwiseFilter(0, 1, 0) == 0);
    }},
    {"argmaxInPlane", [] {
      CHECK(argmaxInPlane(5, 20));
      CHECK(argmaxInPlane(0, 20));
      CHECK(argmaxInPlane(19, 20));
      CHECK(!argmaxInPlane(20, 20));
      CHECK(!argmaxInPlane(-1, 20));
    }},
  });
}
