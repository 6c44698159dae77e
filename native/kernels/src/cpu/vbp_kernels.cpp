// VisualBackProp pieces on single-channel masks [n, h, w]. The summation orders written in
// cpu_kernels.h are part of the definition: a GPU twin follows them to match to float32
// rounding.
#include <algorithm>
#include <vector>

#include "common/window_math.h"
#include "ys/cpu_kernels.h"

namespace ys::cpu {

// Mask arithmetic: masks are single-channel and small, so these stay on the calling thread.
void fill(Exec, std::int64_t count, float value, float* out) { std::fill(out, out + count, value); }

void addScalar(Exec, std::int64_t count, float value, float* m) {
  for (std::int64_t k = 0; k < count; ++k) m[k] = m[k] + value;
}

void multiply(Exec, std::int64_t count, const float* other, float* m) {
  for (std::int64_t k = 0; k < count; ++k) m[k] = m[k] * other[k];
}

void add(Exec, std::int64_t count, const float* src, float* dst) {
  for (std::int64_t k = 0; k < count; ++k) dst[k] = dst[k] + src[k];
}

void copy(Exec, std::int64_t count, const float* src, float* dst) { std::copy(src, src + count, dst); }

void vbpOnesTransposedConv(Exec exec, int n, int mh, int mw, const float* m, const VbpEdgeOp& op, float* out) {
  ThreadPool& pool = exec.pool;
  const int h = op.inputH, w = op.inputW;
  pool.parallelRange(std::int64_t(n) * h, 8, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t r = b; r < e; ++r) {
      const std::int64_t image = r / h;
      const int i = int(r % h);
      const float* mi = m + image * mh * mw;
      const common::Range ys = common::coveringWindows(i, op.kh, op.stride, op.pads.top, mh);
      for (int j = 0; j < w; ++j) {
        const common::Range xs = common::coveringWindows(j, op.kw, op.stride, op.pads.left, mw);
        float sum = 0.0f;
        for (int oy = ys.first; oy <= ys.last; ++oy) {
          for (int ox = xs.first; ox <= xs.last; ++ox) sum += mi[std::int64_t(oy) * mw + ox];
        }
        out[r * w + j] = sum;
      }
    }
  });
}

void vbpAveragePool(Exec exec, int n, int mh, int mw, int f, const float* m, float* out) {
  ThreadPool& pool = exec.pool;
  const int h = mh / f, w = mw / f;
  const float count = float(f * f);
  pool.parallelRange(std::int64_t(n) * h, 8, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t r = b; r < e; ++r) {
      const float* src = m + r * f * mw;  // row r = (image, y) starts at image row y*f
      for (int x = 0; x < w; ++x) {
        float sum = 0.0f;
        for (int dy = 0; dy < f; ++dy) {
          for (int dx = 0; dx < f; ++dx) sum += src[std::int64_t(dy) * mw + std::int64_t(x) * f + dx];
        }
        out[r * w + x] = sum / count;
      }
    }
  });
}

void vbpNormaliseByMax(Exec exec, int n, std::int64_t hw, float* m) {
  exec.pool.parallelFor(n, [&](std::int64_t image) {
    float* mi = m + image * hw;
    const float max = *std::max_element(mi, mi + hw);
    if (max > 0.0f) {
      for (std::int64_t i = 0; i < hw; ++i) mi[i] = mi[i] / max;
    }
  });
}

void vbpNormaliseMinMax(Exec exec, int n, std::int64_t hw, float* m) {
  exec.pool.parallelFor(n, [&](std::int64_t image) {
    float* mi = m + image * hw;
    const auto [lo, hi] = std::minmax_element(mi, mi + hw);
    const float min = *lo, range = *hi - *lo;
    for (std::int64_t i = 0; i < hw; ++i) mi[i] = range > 0.0f ? (mi[i] - min) / range : 0.0f;
  });
}

}  // namespace ys::cpu
