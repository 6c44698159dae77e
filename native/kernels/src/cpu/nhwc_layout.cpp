// NHWC <-> NCHW at the edges of a backward: callers speak NHWC (core's layout), the walk NCHW.
// The transpose is folded into the copy the walk makes anyway (head gradients in, the input
// gradient out). Tiles of 32 x 32 keep both sides in cache; tiles run in parallel.
#include <algorithm>

#include "ys/cpu_kernels.h"

namespace ys::cpu {

namespace {
constexpr std::int64_t kTile = 32;

/** Calls tile(image, p0, p1, c0, c1) for every tile of positions x channels, in parallel. */
template <typename F>
void forEachTile(ThreadPool& pool, int n, int c, std::int64_t hw, F tile) {
  const std::int64_t pTiles = (hw + kTile - 1) / kTile, cTiles = (c + kTile - 1) / kTile;
  pool.parallelRange(std::int64_t(n) * pTiles * cTiles, 4, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t t = b; t < e; ++t) {
      const std::int64_t image = t / (pTiles * cTiles), rest = t % (pTiles * cTiles);
      const std::int64_t p0 = (rest / cTiles) * kTile, c0 = (rest % cTiles) * kTile;
      tile(image, p0, std::min(hw, p0 + kTile), c0, std::min<std::int64_t>(c, c0 + kTile));
    }
  });
}
}  // namespace

void nhwcToNchw(Exec exec, int n, int c, std::int64_t hw, const float* src, float* dst, bool accumulate) {
  forEachTile(exec.pool, n, c, hw, [&](std::int64_t image, std::int64_t p0, std::int64_t p1, std::int64_t c0, std::int64_t c1) {
    const float* s = src + image * hw * c;
    float* d = dst + image * hw * c;
    for (std::int64_t k = c0; k < c1; ++k) {
      float* row = d + k * hw;
      if (accumulate) {
        for (std::int64_t p = p0; p < p1; ++p) row[p] += s[p * c + k];
      } else {
        for (std::int64_t p = p0; p < p1; ++p) row[p] = s[p * c + k];
      }
    }
  });
}

void nchwToNhwc(Exec exec, int n, int c, std::int64_t hw, const float* src, float* dst) {
  forEachTile(exec.pool, n, c, hw, [&](std::int64_t image, std::int64_t p0, std::int64_t p1, std::int64_t c0, std::int64_t c1) {
    const float* s = src + image * hw * c;
    float* d = dst + image * hw * c;
    for (std::int64_t p = p0; p < p1; ++p) {
      for (std::int64_t k = c0; k < c1; ++k) d[p * c + k] = s[k * hw + p];
    }
  });
}

}  // namespace ys::cpu
