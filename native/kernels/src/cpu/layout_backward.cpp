// Backward of the ops that only move data: nearest upsample (block sums), concat (channel
// slices; with the full range also the add / identity pass) and slice (the inverse: the
// gradient placed at its channels of the input).
#include <algorithm>
#include <cstring>

#include "ys/cpu_kernels.h"

namespace ys::cpu {

void upsampleBackward(Exec exec, int n, int c, int h, int w, int factor, const float* g, float* dx, bool accumulate) {
  ThreadPool& pool = exec.pool;
  const std::int64_t rows = std::int64_t(n) * c * h;  // one task unit = one dx row
  const std::int64_t gw = std::int64_t(w) * factor;
  pool.parallelRange(rows, 16, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t r = b; r < e; ++r) {
      // dx row r = (plane, y) reads g rows (plane, y*factor + dy).
      const float* src = g + r * factor * gw;
      float* dst = dx + r * w;
      for (int x = 0; x < w; ++x) {
        float sum = 0.0f;
        for (int dy = 0; dy < factor; ++dy) {
          const float* s = src + dy * gw + std::int64_t(x) * factor;
          for (int dxi = 0; dxi < factor; ++dxi) sum += s[dxi];
        }
        dst[x] = accumulate ? dst[x] + sum : sum;
      }
    }
  });
}

void channelSliceBackward(Exec exec, int n, int cTotal, int c0, int cCount, std::int64_t hw, const float* g,
                          float* dx, bool accumulate) {
  ThreadPool& pool = exec.pool;
  const std::int64_t slice = std::int64_t(cCount) * hw;
  const std::int64_t total = std::int64_t(n) * slice;
  pool.parallelRange(total, 1 << 15, [&](std::int64_t b, std::int64_t e) {
    // Element i of dx = (image, rest) reads g at image*cTotal*hw + c0*hw + rest.
    std::int64_t i = b;
    while (i < e) {
      const std::int64_t image = i / slice, rest = i % slice;
      const std::int64_t run = std::min(e - i, slice - rest);
      const float* src = g + image * cTotal * hw + std::int64_t(c0) * hw + rest;
      float* dst = dx + i;
      if (accumulate) {
        for (std::int64_t k = 0; k < run; ++k) dst[k] += src[k];
      } else {
        std::memcpy(dst, src, sizeof(float) * std::size_t(run));
      }
      i += run;
    }
  });
}

void sliceBackward(Exec exec, int n, int cTotal, int c0, int cCount, std::int64_t hw, const float* g, float* dx,
                   bool accumulate) {
  ThreadPool& pool = exec.pool;
  // One unit = one channel plane of dx: a plane of the slice gets g's plane, any other plane
  // zeros (or is left as it is when accumulating).
  pool.parallelRange(std::int64_t(n) * cTotal, std::max<std::int64_t>(1, (1 << 15) / std::max<std::int64_t>(hw, 1)),
                     [&](std::int64_t b, std::int64_t e) {
                       for (std::int64_t plane = b; plane < e; ++plane) {
                         const std::int64_t image = plane / cTotal;
                         const int c = int(plane % cTotal);
                         float* dst = dx + plane * hw;
                         if (c < c0 || c >= c0 + cCount) {
                           if (!accumulate) std::memset(dst, 0, sizeof(float) * std::size_t(hw));
                           continue;
                         }
                         const float* src = g + (image * cCount + (c - c0)) * hw;
                         if (accumulate) {
                           for (std::int64_t k = 0; k < hw; ++k) dst[k] += src[k];
                         } else {
                           std::memcpy(dst, src, sizeof(float) * std::size_t(hw));
                         }
                       }
                     });
}

}  // namespace ys::cpu
