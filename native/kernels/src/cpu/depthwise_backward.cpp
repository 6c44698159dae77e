// Depthwise conv backward-data: each input channel ch receives only from its own M filters
// ch*M + m (common::depthwiseFilter), so there is no GEMM to do, only a small correlation per
// plane, memory-bound: dy is read once, dx written once.
//
// One task = one (image, channel) plane. Its M dy planes are first copied into zero-padded
// planes dilated by the stride: dy[oy][ox] at row stride*oy + kh-1-padTop, column
// stride*ox + kw-1-padLeft (common::dilatedPosition) of planes with rows of w + kw - 1 floats. Then dx[iy][ix] reads
// tap (ky, kx) of filter m at row iy + kh-1-ky, column ix + kw-1-kx: a constant offset from
// the element's own position, zeros standing for the taps that land outside dy (or between
// its rows and columns when the stride is 2). So the whole plane, its rows laid end to end
// with their padding columns, is one call of the ISA's row kernel over M*kh*kw taps at fixed
// offsets (isa_kernels.h); the result's rows are then stored into, or added to, dx.
//
// Summation order, the same on every thread count and (up to FMA) on every path: per dx
// element one accumulator from zero over m ascending, then ky, then kx (row-major), every tap
// (a tap landing outside dy adds w * 0); then stored, or added to dx.
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
  const int rowFloats = g.w + g.kw - 1, rows = g.h + g.kh - 1;
  const int top = common::dilatedPosition(0, g.kh, s, g.pads.top), lead = common::dilatedPosition(0, g.kw, s, g.pads.left);
  // The row kernel computes h rows of rowFloats (the last columns of each are discarded) and
  // reads up to that, rounded up to its widest vector, past each tap's offset.
  const int outFloats = g.h * rowFloats;
  const std::size_t planeFloats = std::size_t(rows) * rowFloats + kDepthwiseLanes;
  const std::size_t scratchFloats = planeFloats * multiplier;
  const std::int64_t inPlane = std::int64_t(g.h) * g.w, outPlane = std::int64_t(g.oh) * g.ow;
  const std::size_t allTaps = std::size_t(multiplier) * taps;
  // Output columns and rows of dy that land inside the padded planes (pads wider than the
  // kernel leave some outside: no dx element reads them).
  const int oxFirst = std::max(0, common::ceilDiv(-lead, s)), oxLast = std::min(g.ow - 1, common::floorDiv(rowFloats - 1 - lead, s));
  const int oyFirst = std::max(0, common::ceilDiv(-top, s)), oyLast = std::min(g.oh - 1, common::floorDiv(rows - 1 - top, s));

  pool.parallelRange(std::int64_t(n) * g.c, 1, [&](std::int64_t begin, std::int64_t end) {
    // Per-thread scratch kept between calls: the dilated planes, the row kernel's output and
    // its taps (source pointers fixed for the call, weights per channel).
    thread_local AlignedFloats planes, out;
    thread_local std::vector<const float*> src;
    thread_local std::vector<float> w;
    planes.resize(scratchFloats);
    out.resize(std::size_t(outFloats) + kDepthwiseLanes);
    src.resize(allTaps);
    w.resize(allTaps);
    for (int m = 0, t = 0; m < multiplier; ++m)
      for (int ky = 0; ky < g.kh; ++ky)
        for (int kx = 0; kx < g.kw; ++kx, ++t)
          src[std::size_t(t)] = planes.data() + std::size_t(m) * planeFloats + std::size_t(g.kh - 1 - ky) * rowFloats + (g.kw - 1 - kx);
    for (std::int64_t plane = begin; plane < end; ++plane) {
      const std::int64_t image = plane / g.c;
      const int channel = int(plane % g.c);
      std::memset(planes.data(), 0, scratchFloats * sizeof(float));
      for (int m = 0; m < multiplier; ++m) {
        const int filter = common::depthwiseFilter(channel, multiplier, m);
        std::memcpy(w.data() + std::size_t(m) * taps, oihw + std::size_t(filter) * taps, sizeof(float) * std::size_t(taps));
        const float* dyPlane = dy + (image * g.o + filter) * outPlane;
        float* dst = planes.data() + std::size_t(m) * planeFloats;
        for (int oy = oyFirst; oy <= oyLast; ++oy) {
          const float* dyRow = dyPlane + std::int64_t(oy) * g.ow;
          float* row = dst + std::size_t(common::dilatedPosition(oy, g.kh, s, g.pads.top)) * rowFloats;
          if (s == 1) {
            std::memcpy(row + lead + oxFirst, dyRow + oxFirst, sizeof(float) * std::size_t(oxLast - oxFirst + 1));
          } else {
            for (int ox = oxFirst; ox <= oxLast; ++ox) row[common::dilatedPosition(ox, g.kw, s, g.pads.left)] = dyRow[ox];
          }
        }
      }
      k.depthwiseRow(int(allTaps), src.data(), w.data(), outFloats, out.data(), 0);
      float* dxPlane = dx + plane * inPlane;
      for (int iy = 0; iy < g.h; ++iy) {
        const float* from = out.data() + std::size_t(iy) * rowFloats;
        float* to = dxPlane + std::int64_t(iy) * g.w;
        if (accumulate) {
          for (int ix = 0; ix < g.w; ++ix) to[ix] += from[ix];
        } else {
          std::memcpy(to, from, sizeof(float) * std::size_t(g.w));
        }
      }
    }
  });
}

}  // namespace ys::cpu
