// Maxpool backward: each pooled gradient goes to its recorded argmax. The argmax is an offset
// within the output's own (n, c) plane (checked), so planes never collide and run in
// parallel; within a plane contributions are added in output order (deterministic).
#include <string>

#include "common/window_math.h"
#include "ys/cpu_kernels.h"
#include "ys/status.h"

namespace ys::cpu {

void maxpoolBackward(Exec exec, int n, int c, int h, int w, int oh, int ow, const float* g, const std::int32_t* argmax,
                     float* dx, bool accumulate, const char* layer) {
  const std::int64_t planes = std::int64_t(n) * c, inPlane = std::int64_t(h) * w, outPlane = std::int64_t(oh) * ow;
  if (!accumulate) {
    exec.pool.parallelRange(planes * inPlane, 1 << 16, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) dx[i] = 0.0f;
    });
  }
  exec.pool.parallelRange(planes, 1, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t plane = b; plane < e; ++plane) {
      float* dst = dx + plane * inPlane;
      const float* src = g + plane * outPlane;
      const std::int32_t* at = argmax + plane * outPlane;
      for (std::int64_t j = 0; j < outPlane; ++j) {
        if (!common::argmaxInPlane(at[j], inPlane)) {
          throw Error(ErrorCode::TapeMismatch, std::string("backward: layer '") + layer + "' (maxpool): argmax index " +
                                                   std::to_string(at[j]) + " of output " + std::to_string(plane * outPlane + j) +
                                                   " is outside its (n, c) plane of " + std::to_string(inPlane) + " pixels");
        }
        dst[at[j]] += src[j];
      }
    }
  });
}

}  // namespace ys::cpu
