// Depthwise conv backward-data: each input channel ch receives only from its own M filters
// ch*M + m (common::depthwiseFilter), so there is no GEMM to do, only a small correlation per
// plane, memory-bound: dy is read once, dx written once.
//
// One task = one (image, channel) plane. Its M dy planes are first copied, row by row, into
// zero-padded rows dilated by the stride (dy[oy][ox] at column stride*ox + kw-1-padLeft), so
// that dx[iy][ix] reads tap (ky, kx) of filter m at column ix + kw-1-kx of the row of
// oy = (iy + padTop - ky) / stride, whenever that oy exists (common::tapOutput): a contiguous,
// unconditional load for every ix, the zeros standing for the taps that land outside dy. Each
// dx row is then one call of the ISA's row kernel over its taps (isa_kernels.h).
//
// Summation order, the same on every thread count and (up to FMA) on every path: per dx
// element one accumulator from zero over m ascending, then ky, then kx (row-major), over the
// taps whose dy row exists; then stored, or added to dx. A tap whose column falls outside dy
// adds w * 0.
#include <algorithm>
#include <cstring>
#include <vector>

#include "common/window_math.h"
#include "cpu/aligned_buffer.h"
#include "cpu/depthwise_backward.h"

namespace ys::cpu {

void depthwiseBackwardData(ThreadPool& pool, const ConvGeometry& g, const float* oihw, const IsaKernels& k, int n,
                           const float* dy, float* dx, bool accumulate) {
  const int multiplier = g.o / g.c, taps = g.kh * g.kw, s = g.stride;
  const int lead = g.kw - 1 - g.pads.left;  // column of ox = 0 in a dilated row
  // Row kernels read up to the width rounded up to their widest vector, at offsets up to kw-1.
  const int widthRounded = (g.w + kDepthwiseLanes - 1) / kDepthwiseLanes * kDepthwiseLanes;
  const int rowFloats = widthRounded + g.kw - 1;
  const std::int64_t inPlane = std::int64_t(g.h) * g.w, outPlane = std::int64_t(g.oh) * g.ow;
  const std::size_t planeFloats = std::size_t(multiplier) * g.oh * rowFloats;
  const std::size_t maxTaps = std::size_t(multiplier) * taps;

  pool.parallelRange(std::int64_t(n) * g.c, 1, [&](std::int64_t begin, std::int64_t end) {
    // Per-thread scratch kept between calls: the dilated rows of one plane and one row's taps.
    thread_local AlignedFloats rows;
    thread_local std::vector<const float*> src;
    thread_local std::vector<float> w;
    rows.resize(planeFloats);
    src.resize(maxTaps);
    w.resize(maxTaps);
    for (std::int64_t plane = begin; plane < end; ++plane) {
      const std::int64_t image = plane / g.c;
      const int channel = int(plane % g.c);
      std::memset(rows.data(), 0, planeFloats * sizeof(float));
      for (int m = 0; m < multiplier; ++m) {
        const int filter = common::depthwiseFilter(channel, multiplier, m);
        const float* dyPlane = dy + (image * g.o + filter) * outPlane;
        for (int oy = 0; oy < g.oh; ++oy) {
          float* row = rows.data() + (std::size_t(m) * g.oh + oy) * rowFloats;
          const float* dyRow = dyPlane + std::int64_t(oy) * g.ow;
          // Columns outside [0, rowFloats) belong to outputs no dx element reads (pads wider
          // than the kernel).
          const int first = std::max(0, common::ceilDiv(-lead, s));
          const int last = std::min(g.ow - 1, common::floorDiv(rowFloats - 1 - lead, s));
          for (int ox = first; ox <= last; ++ox) row[ox * s + lead] = dyRow[ox];
        }
      }
      float* dxPlane = dx + plane * inPlane;
      for (int iy = 0; iy < g.h; ++iy) {
        int count = 0;
        for (int m = 0; m < multiplier; ++m) {
          const float* wf = oihw + std::size_t(common::depthwiseFilter(channel, multiplier, m)) * taps;
          for (int ky = 0; ky < g.kh; ++ky) {
            int oy;
            if (!common::tapOutput(iy, ky, s, g.pads.top, g.oh, oy)) continue;
            const float* row = rows.data() + (std::size_t(m) * g.oh + oy) * rowFloats;
            for (int kx = 0; kx < g.kw; ++kx) {
              src[std::size_t(count)] = row + (g.kw - 1 - kx);
              w[std::size_t(count)] = wf[ky * g.kw + kx];
              ++count;
            }
          }
        }
        k.depthwiseRow(count, src.data(), w.data(), g.w, dxPlane + std::int64_t(iy) * g.w, accumulate);
      }
    }
  });
}

}  // namespace ys::cpu
