// Maxpool backward: each pooled gradient goes to its recorded argmax. Parallel over (n, c)
// planes: an argmax always lies in its own plane (checked), so planes never collide, and
// within a plane contributions are added in output order (deterministic).
#include <string>

#include "common/window_math.h"
#include "ys/cpu_kernels.h"
#include "ys/status.h"

namespace ys::cpu {

namespace {
template <typename Index>
void scatterPlanes(ThreadPool& pool, std::int64_t planes, std::int64_t inPlane, std::int64_t outPlane, const float* g,
                   const Index* idx, float* dx, const char* layer) {
  pool.parallelRange(planes, 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t plane = b; plane < e; ++plane) {
      float* dst = dx + plane * inPlane;
      const float* src = g + plane * outPlane;
      const Index* at = idx + plane * outPlane;
      for (std::int64_t j = 0; j < outPlane; ++j) {
        const std::int64_t off = common::argmaxOffsetInPlane(std::int64_t(at[j]), plane, inPlane);
        if (off < 0) {
          throw Error(ErrorCode::TapeMismatch, std::string("backward: layer '") + layer + "' (maxpool): argmax index " +
                                                   std::to_string(std::int64_t(at[j])) + " of output " +
                                                   std::to_string(plane * outPlane + j) +
                                                   " is outside its (n, c) plane of the input");
        }
        dst[off] += src[j];
      }
    }
  });
}
}  // namespace

void maxpoolBackward(ThreadPool& pool, int n, int c, int h, int w, int oh, int ow, const float* g,
                     const std::int64_t* idx64, const std::int32_t* idx32, float* dx, bool accumulate,
                     const char* layer) {
  const std::int64_t planes = std::int64_t(n) * c, inPlane = std::int64_t(h) * w, outPlane = std::int64_t(oh) * ow;
  if (!accumulate) {
    pool.parallelRange(planes * inPlane, 1 << 16, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) dx[i] = 0.0f;
    });
  }
  if (idx64) {
    scatterPlanes(pool, planes, inPlane, outPlane, g, idx64, dx, layer);
  } else {
    scatterPlanes(pool, planes, inPlane, outPlane, g, idx32, dx, layer);
  }
}

}  // namespace ys::cpu
