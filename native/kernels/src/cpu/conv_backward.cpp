// Conv backward-data: dx = col2im(W^T . dy), per image and group. Depthwise convs (groups =
// channels) take a direct kernel instead (depthwise_backward.cpp): no GEMM.
//
// GEMM: cols[K x P] = A[K x O] . B[O x P] with A = W^T of one group (K = c/G*kh*kw rows, row
// r = (ci*kh + ky)*kw + kx, as in OIHW; O = o/G), B = that group's dy of one image (P = oh*ow
// columns). A grouped conv is G such GEMMs on the weights of each group alone (no zeros for the
// channels a filter does not read); groups = 1 is the plain conv. It is never formed whole:
// the output rows are cut into bands (B column ranges) and the A rows into blocks of whole
// input channels. One task = (group, band, block): a cache-blocked GEMM into a per-thread
// tile, then col2im of that tile straight into dx while it is hot in cache.
//
// No two tasks that run at the same time write the same dx element: different groups and
// blocks own different channels, and where windows overlap (kh > stride) bands run in two
// phases (even, then odd) with bands at least as tall as the rows two neighbouring windows
// share; otherwise no two bands share a dx row and all run in one phase. The order in which
// contributions reach each dx element is therefore fixed (phase, then tap (ky, kx), then oy)
// whatever the number of threads: results are deterministic.
//
// Blocking (BLIS-style): A is packed once per model into MR-row panels, B per band into
// NR-column panels; the KC loop over O keeps an A block in L2 and a B micro-panel in L1.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "common/window_math.h"
#include "cpu/aligned_buffer.h"
#include "cpu/depthwise_backward.h"
#include "cpu/isa_kernels.h"
#include "ys/cpu_kernels.h"
#include "ys/status.h"

namespace ys::cpu {

namespace {
constexpr int kKc = 256;           // inner-dimension (O) block
constexpr int kBlockRows = 96;     // target A rows per task (whole channels)
constexpr int kBandColumns = 384;  // target B columns per band (whole output rows)
}  // namespace

struct PackedConvWeights::Impl {
  ConvGeometry g;
  const IsaKernels* k = nullptr;
  bool depthwise = false;     // packed holds the OIHW weights as they are
  int taps = 1;               // kh * kw
  int cg = 0;                 // input channels per group
  int og = 0;                 // filters per group
  int channelsPerBlock = 1;
  int blocks = 0;             // per group
  std::vector<std::size_t> blockOffset;  // into one group's panels, per block
  std::size_t groupFloats = 0;           // one group's panels
  AlignedFloats packed;
  std::size_t packedSize = 0;
};

PackedConvWeights::PackedConvWeights(const ConvGeometry& g, const float* oihw, Isa isa) : impl_(new Impl) {
  Impl& p = *impl_;
  if (g.groups < 1 || g.c % g.groups != 0 || g.o % g.groups != 0) {
    throw Error(ErrorCode::InvalidArgument, "cpu kernels: groups " + std::to_string(g.groups) + " does not divide " +
                                                std::to_string(g.c) + " channels and " + std::to_string(g.o) + " filters");
  }
  p.g = g;
  p.k = &kernelsFor(isa);
  p.taps = g.kh * g.kw;
  p.cg = g.c / g.groups;
  p.og = g.o / g.groups;
  if (isDepthwise(g)) {
    p.depthwise = true;
    p.packedSize = std::size_t(g.o) * p.taps;
    p.packed.resize(p.packedSize);
    std::memcpy(p.packed.data(), oihw, p.packedSize * sizeof(float));
    return;
  }
  const int mr = p.k->mr;
  p.channelsPerBlock = std::max(1, (kBlockRows + p.taps / 2) / p.taps);
  p.blocks = (p.cg + p.channelsPerBlock - 1) / p.channelsPerBlock;
  const std::int64_t k = std::int64_t(p.cg) * p.taps;  // weights per filter
  for (int b = 0; b < p.blocks; ++b) {
    const int channels = std::min(p.channelsPerBlock, p.cg - b * p.channelsPerBlock);
    const int panels = (channels * p.taps + mr - 1) / mr;
    p.blockOffset.push_back(p.groupFloats);
    p.groupFloats += std::size_t(panels) * mr * p.og;
  }
  p.packedSize = p.groupFloats * std::size_t(g.groups);
  p.packed.resize(std::max<std::size_t>(p.packedSize, 1));
  // Panel layout: per group, per block, for each o of the group, MR consecutive rows of the
  // group's W^T (zero rows pad the last panel).
  for (int group = 0; group < g.groups; ++group) {
    const float* w = oihw + std::int64_t(group) * p.og * k;
    for (int b = 0; b < p.blocks; ++b) {
      const int channels = std::min(p.channelsPerBlock, p.cg - b * p.channelsPerBlock);
      const int rows = channels * p.taps;
      const std::int64_t rowStart = std::int64_t(b) * p.channelsPerBlock * p.taps;
      float* dst = p.packed.data() + std::size_t(group) * p.groupFloats + p.blockOffset[std::size_t(b)];
      for (int panel = 0; panel * mr < rows; ++panel) {
        for (int o = 0; o < p.og; ++o) {
          for (int i = 0; i < mr; ++i) {
            const int r = panel * mr + i;
            *dst++ = r < rows ? w[std::int64_t(o) * k + rowStart + r] : 0.0f;
          }
        }
      }
    }
  }
}

PackedConvWeights::~PackedConvWeights() = default;
PackedConvWeights::PackedConvWeights(PackedConvWeights&&) noexcept = default;
PackedConvWeights& PackedConvWeights::operator=(PackedConvWeights&&) noexcept = default;
const ConvGeometry& PackedConvWeights::geometry() const { return impl_->g; }
Isa PackedConvWeights::isa() const { return impl_->k->isa; }
std::size_t PackedConvWeights::bytes() const { return impl_->packedSize * sizeof(float); }

namespace {

struct Bands {
  int rows;   // output rows per band
  int count;
  int panelsMax;  // NR panels of the widest band
};

Bands planBands(const ConvGeometry& g, int nr) {
  // Two bands of the same phase must not share an input row: rows*stride >= kh - stride.
  const int minRows = std::max(1, common::ceilDiv(g.kh, g.stride) - 1);
  int rows = std::max(minRows, (kBandColumns + g.ow - 1) / g.ow);
  rows = std::min(rows, g.oh);
  const int count = (g.oh + rows - 1) / rows;
  const int panelsMax = (rows * g.ow + nr - 1) / nr;
  return Bands{rows, count, panelsMax};
}

/** B panels of one band of one group's dy (og channels from `dy`): for each NR panel, for each
 *  o, NR columns (zero beyond the band). */
void packBand(const ConvGeometry& g, int og, int nr, const float* dy, int band, const Bands& bands, float* dst) {
  const std::int64_t p = std::int64_t(g.oh) * g.ow;
  const int firstRow = band * bands.rows;
  const int rows = std::min(bands.rows, g.oh - firstRow);
  const std::int64_t col0 = std::int64_t(firstRow) * g.ow;
  const int cols = rows * g.ow;
  const int panels = (cols + nr - 1) / nr;
  for (int jp = 0; jp < panels; ++jp) {
    const int j0 = jp * nr;
    const int width = std::min(nr, cols - j0);
    for (int o = 0; o < og; ++o) {
      const float* src = dy + std::int64_t(o) * p + col0 + j0;
      // Inline loops, not memcpy: each copy is only NR floats (one or two cache lines).
      if (width == nr) {
        for (int j = 0; j < nr; ++j) dst[j] = src[j];
      } else {
        for (int j = 0; j < nr; ++j) dst[j] = j < width ? src[j] : 0.0f;
      }
      dst += nr;
    }
  }
}

/** A 1x1, stride 1, unpadded conv: col2im is a copy, each dx element gets exactly one value. */
bool isPointwise(const ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.stride == 1 && g.pads.top == 0 && g.pads.left == 0 && g.pads.bottom == 0 &&
         g.pads.right == 0;
}

/** dx[channel0, channel0 + channels) (+)= col2im of the tile's rows (one band). */
void col2imTile(const ConvGeometry& g, int taps, int channel0, int channels, int firstRow, int rows,
                const float* tile, int ldc, float* dx, bool overwrite) {
  const int s = g.stride;
  if (overwrite) {  // pointwise and not accumulating: store, no zeroing pass over dx first
    const std::int64_t cols = std::int64_t(rows) * g.ow;
    for (int cc = 0; cc < channels; ++cc) {
      float* dst = dx + std::int64_t(channel0 + cc) * g.h * g.w + std::int64_t(firstRow) * g.ow;
      std::memcpy(dst, tile + std::int64_t(cc) * ldc, sizeof(float) * std::size_t(cols));
    }
    return;
  }
  for (int cc = 0; cc < channels; ++cc) {
    float* plane = dx + std::int64_t(channel0 + cc) * g.h * g.w;
    for (int ky = 0; ky < g.kh; ++ky) {
      for (int kx = 0; kx < g.kw; ++kx) {
        const float* row = tile + std::int64_t(cc * taps + ky * g.kw + kx) * ldc;
        const common::Range xs = common::validOutputsForTap(kx, s, g.pads.left, g.w, g.ow);
        if (xs.first > xs.last) continue;
        for (int oy = firstRow; oy < firstRow + rows; ++oy) {
          const int iy = oy * s - g.pads.top + ky;
          if (iy < 0 || iy >= g.h) continue;
          const float* src = row + std::int64_t(oy - firstRow) * g.ow;
          float* dst = plane + std::int64_t(iy) * g.w - g.pads.left + kx;
          if (s == 1) {
            for (int ox = xs.first; ox <= xs.last; ++ox) dst[ox] += src[ox];
          } else {
            for (int ox = xs.first; ox <= xs.last; ++ox) dst[std::int64_t(ox) * s] += src[ox];
          }
        }
      }
    }
  }
}

}  // namespace

void convBackwardData(Exec exec, const PackedConvWeights& weights, int n, const float* dy, float* dx, bool accumulate) {
  ThreadPool& pool = exec.pool;
  const PackedConvWeights::Impl& p = weights.impl();
  const ConvGeometry& g = p.g;
  if (p.depthwise) {
    depthwiseBackwardData(pool, g, p.packed.data(), *p.k, n, dy, dx, accumulate);
    return;
  }
  const int mr = p.k->mr, nr = p.k->nr, og = p.og;
  const std::int64_t inPlane = std::int64_t(g.h) * g.w, inImage = inPlane * g.c;
  const std::int64_t outPlane = std::int64_t(g.oh) * g.ow, outImage = std::int64_t(g.o) * outPlane;
  const Bands bands = planBands(g, nr);
  const std::size_t bandFloats = std::size_t(bands.panelsMax) * nr * og;
  // Tasks of one band run back to back (block is the fastest index), so a thread that packed
  // a band's B panels keeps them for its next task of the same group, band and call.
  static std::atomic<std::uint64_t> calls{0};
  const std::uint64_t call = ++calls;

  // Neighbouring bands share input rows only when windows overlap (kh > stride): then even
  // bands run before odd ones; otherwise every band at once (one parallel region, not two).
  const int phases = g.kh > g.stride ? 2 : 1;
  const bool overwrite = !accumulate && isPointwise(g);
  if (!accumulate && !overwrite) {
    pool.parallelRange(std::int64_t(n) * g.c, 8, [&](std::int64_t b, std::int64_t e) {
      std::memset(dx + b * inPlane, 0, sizeof(float) * std::size_t((e - b) * inPlane));
    });
  }

  for (int image = 0; image < n; ++image) {
    const float* dyImage = dy + image * outImage;
    float* dxImage = dx + image * inImage;
    for (int phase = 0; phase < phases; ++phase) {
      const int bandsInPhase = (bands.count - phase + phases - 1) / phases;
      const std::int64_t perGroup = std::int64_t(bandsInPhase) * p.blocks;
      pool.parallelFor(perGroup * g.groups, [&](std::int64_t task) {
        const int group = int(task / perGroup);
        const int band = phase + phases * int((task % perGroup) / p.blocks);
        const int block = int(task % p.blocks);
        const int firstRow = band * bands.rows;
        const int rows = std::min(bands.rows, g.oh - firstRow);
        const int cols = rows * g.ow;
        const int panelsB = (cols + nr - 1) / nr;
        const int ldc = panelsB * nr;
        const int channel0 = block * p.channelsPerBlock;  // within the group
        const int channels = std::min(p.channelsPerBlock, p.cg - channel0);
        const int panelsA = (channels * p.taps + mr - 1) / mr;
        // Per-thread scratch kept between calls (no page faults after the first call): the
        // band's packed B panels and the GEMM tile of at most kBlockRows+MR rows.
        thread_local AlignedFloats packedB, tile;
        thread_local std::uint64_t packedCall = 0;
        thread_local int packedImage = -1, packedGroup = -1, packedBand = -1;
        if (packedCall != call || packedImage != image || packedGroup != group || packedBand != band) {
          packedB.resize(bandFloats);
          packBand(g, og, nr, dyImage + std::int64_t(group) * og * outPlane, band, bands, packedB.data());
          packedCall = call, packedImage = image, packedGroup = group, packedBand = band;
        }
        tile.resize(std::size_t(panelsA) * mr * ldc);
        const float* aBlock = p.packed.data() + std::size_t(group) * p.groupFloats + p.blockOffset[std::size_t(block)];
        const float* bBand = packedB.data();
        for (int k0 = 0; k0 < og; k0 += kKc) {
          const int kc = std::min(kKc, og - k0);
          for (int jp = 0; jp < panelsB; ++jp) {
            const float* bPanel = bBand + (std::size_t(jp) * og + k0) * nr;
            for (int ip = 0; ip < panelsA; ++ip) {
              const float* aPanel = aBlock + (std::size_t(ip) * og + k0) * mr;
              p.k->gemm(kc, aPanel, bPanel, tile.data() + std::size_t(ip) * mr * ldc + std::size_t(jp) * nr, ldc, k0 > 0);
            }
          }
        }
        col2imTile(g, p.taps, group * p.cg + channel0, channels, firstRow, rows, tile.data(), ldc, dxImage, overwrite);
      });
    }
  }
}

}  // namespace ys::cpu
