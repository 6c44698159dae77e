// Conv backward-data on the GPU, per group: cols = W^T . dy (a shared-memory tiled SGEMM), then
// col2im gathers each dx element from the columns of the taps that read it (no atomics, so the
// result does not depend on scheduling). 1x1 stride-1 unpadded convs skip col2im: their
// columns are dx itself. Depthwise convs (groups = channels) skip the GEMM: one thread per dx
// element sums its channel's taps directly, in the CPU kernel's order.
#include <algorithm>

#include "common/window_math.h"
#include "cuda_check.h"
#include "cuda_kernels.h"

namespace ys::cuda::kernels {

namespace {

constexpr int kTileM = 64;
constexpr int kTileN = 64;
constexpr int kTileK = 16;
constexpr int kThreads = 256;  // 16 x 16 threads, 4 x 4 outputs each

__global__ void sgemmKernel(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B,
                            float* __restrict__ C, bool accumulate) {
  __shared__ float As[kTileK][kTileM];
  __shared__ float Bs[kTileK][kTileN];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int row0 = blockIdx.y * kTileM, col0 = blockIdx.x * kTileN;
  float acc[4][4] = {};
  for (int k0 = 0; k0 < K; k0 += kTileK) {
    for (int i = threadIdx.x; i < kTileM * kTileK; i += kThreads) {
      const int r = i / kTileK, k = i % kTileK;
      const int gr = row0 + r, gk = k0 + k;
      As[k][r] = (gr < M && gk < K) ? A[std::size_t(gr) * K + gk] : 0.0f;
    }
    for (int i = threadIdx.x; i < kTileK * kTileN; i += kThreads) {
      const int k = i / kTileN, c = i % kTileN;
      const int gk = k0 + k, gc = col0 + c;
      Bs[k][c] = (gk < K && gc < N) ? B[std::size_t(gk) * N + gc] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < kTileK; ++k) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = As[k][ty + 16 * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) b[j] = Bs[k][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }
  // Rows ty + 16i and columns tx + 16j: neighbouring threads write neighbouring columns.
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int r = row0 + ty + 16 * i;
    if (r >= M) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int c = col0 + tx + 16 * j;
      if (c >= N) continue;
      float* out = C + std::size_t(r) * N + c;
      *out = accumulate ? *out + acc[i][j] : acc[i][j];
    }
  }
}

/** dx[ci, y, x] (+)= sum over taps (ky, kx) whose output position (oy, ox) reads (y, x). */
__global__ void col2imKernel(cpu::ConvGeometry g, const float* __restrict__ cols, float* __restrict__ dx,
                             bool accumulate) {
  const std::int64_t total = std::int64_t(g.c) * g.h * g.w;
  const std::int64_t p = std::int64_t(g.oh) * g.ow;
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < total;
       i += std::int64_t(gridDim.x) * blockDim.x) {
    const int x = int(i % g.w);
    const int y = int((i / g.w) % g.h);
    const int ci = int(i / (std::int64_t(g.w) * g.h));
    // The output positions whose window covers (y, x), from the shared window math; the tap
    // each one uses is then fixed: ky = y + pad - oy*stride.
    const common::Range ys = common::coveringWindows(y, g.kh, g.stride, g.pads.top, g.oh);
    const common::Range xs = common::coveringWindows(x, g.kw, g.stride, g.pads.left, g.ow);
    float sum = 0.0f;
    for (int oy = ys.first; oy <= ys.last; ++oy) {
      const int ky = y + g.pads.top - oy * g.stride;
      for (int ox = xs.first; ox <= xs.last; ++ox) {
        const int kx = x + g.pads.left - ox * g.stride;
        const std::int64_t row = (std::int64_t(ci) * g.kh + ky) * g.kw + kx;
        sum += cols[row * p + std::int64_t(oy) * g.ow + ox];
      }
    }
    dx[i] = accumulate ? dx[i] + sum : sum;
  }
}

/** Depthwise: dx[image, ch, y, x] (+)= sum over m, ky, kx (in that order, FMA from zero, every
 *  tap, one landing outside dy adding w * 0, as on the CPU) of w[ch*M + m, ky, kx] *
 *  dy[image, ch*M + m, oy, ox]. */
__global__ void depthwiseKernel(cpu::ConvGeometry g, int n, const float* __restrict__ w, const float* __restrict__ dy,
                                float* __restrict__ dx, bool accumulate) {
  const std::int64_t total = std::int64_t(n) * g.c * g.h * g.w;
  const int multiplier = g.o / g.c, taps = g.kh * g.kw;
  const std::int64_t outPlane = std::int64_t(g.oh) * g.ow;
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < total;
       i += std::int64_t(gridDim.x) * blockDim.x) {
    const int x = int(i % g.w);
    const int y = int((i / g.w) % g.h);
    const std::int64_t plane = i / (std::int64_t(g.w) * g.h);
    const int ch = int(plane % g.c);
    const std::int64_t image = plane / g.c;
    float acc = 0.0f;
    for (int m = 0; m < multiplier; ++m) {
      const int filter = common::depthwiseFilter(ch, multiplier, m);
      const float* wf = w + std::int64_t(filter) * taps;
      const float* dyPlane = dy + (image * g.o + filter) * outPlane;
      for (int ky = 0; ky < g.kh; ++ky) {
        int oy = 0;
        const bool row = common::tapOutput(y, ky, g.stride, g.pads.top, g.oh, oy);
        for (int kx = 0; kx < g.kw; ++kx) {
          int ox = 0;
          const bool hit = row && common::tapOutput(x, kx, g.stride, g.pads.left, g.ow, ox);
          acc = fmaf(wf[ky * g.kw + kx], hit ? dyPlane[std::int64_t(oy) * g.ow + ox] : 0.0f, acc);
        }
      }
    }
    dx[i] = accumulate ? dx[i] + acc : acc;
  }
}

__global__ void transposeKernel(int rows, int cols, const float* __restrict__ in, float* __restrict__ out) {
  const std::int64_t total = std::int64_t(rows) * cols;
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < total;
       i += std::int64_t(gridDim.x) * blockDim.x) {
    const std::int64_t r = i / cols, c = i % cols;
    out[c * rows + r] = in[i];
  }
}

unsigned gridFor(std::int64_t count, int block) {
  return unsigned(std::min<std::int64_t>((count + block - 1) / block, 65535LL * 32));
}

}  // namespace

void sgemm(Stream on, int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  const cudaStream_t stream = on.stream;
  if (M <= 0 || N <= 0) return;
  const dim3 grid(unsigned((N + kTileN - 1) / kTileN), unsigned((M + kTileM - 1) / kTileM));
  sgemmKernel<<<grid, kThreads, 0, stream>>>(M, N, K, A, B, C, accumulate);
  YS_CUDA_CHECK_LAUNCH("sgemm");
}

void transposeWeights(Stream on, int o, int k, const float* oihw, float* wT) {
  const cudaStream_t stream = on.stream;
  transposeKernel<<<gridFor(std::int64_t(o) * k, 256), 256, 0, stream>>>(o, k, oihw, wT);
  YS_CUDA_CHECK_LAUNCH("transposeWeights");
}

namespace {
bool isPointwise(const cpu::ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.stride == 1 && g.pads.top == 0 && g.pads.left == 0 && g.pads.bottom == 0 &&
         g.pads.right == 0;
}
}  // namespace

std::size_t convWeightsFloats(const cpu::ConvGeometry& g) {
  return std::size_t(g.o) * std::size_t(g.c / g.groups) * std::size_t(g.kh) * std::size_t(g.kw);
}

std::size_t convColsFloats(const cpu::ConvGeometry& g) {
  if (cpu::isDepthwise(g) || isPointwise(g)) return 0;
  return std::size_t(g.c / g.groups) * std::size_t(g.kh) * std::size_t(g.kw) * std::size_t(g.oh) * std::size_t(g.ow);
}

void prepareConvWeights(Stream on, const cpu::ConvGeometry& g, const float* oihw, float* weights) {
  if (cpu::isDepthwise(g)) {
    YS_CUDA_CHECK(cudaMemcpyAsync(weights, oihw, convWeightsFloats(g) * sizeof(float), cudaMemcpyDeviceToDevice, on.stream));
    return;
  }
  const int og = g.o / g.groups, k = g.c / g.groups * g.kh * g.kw;
  for (int group = 0; group < g.groups; ++group) {
    const std::size_t offset = std::size_t(group) * og * k;
    transposeWeights(on, og, k, oihw + offset, weights + offset);
  }
}

void convBackwardData(Stream on, const cpu::ConvGeometry& g, const float* weights, int n, const float* dy, float* dx,
                      bool accumulate, float* cols) {
  const cudaStream_t stream = on.stream;
  if (cpu::isDepthwise(g)) {
    const std::int64_t total = std::int64_t(n) * g.c * g.h * g.w;
    if (total == 0) return;
    depthwiseKernel<<<gridFor(total, 256), 256, 0, stream>>>(g, n, weights, dy, dx, accumulate);
    YS_CUDA_CHECK_LAUNCH("depthwise conv backward");
    return;
  }
  const int cg = g.c / g.groups, og = g.o / g.groups;
  const int K = cg * g.kh * g.kw;
  const int P = g.oh * g.ow;
  const bool direct = isPointwise(g);
  // col2im of one group: the geometry of its own channels.
  cpu::ConvGeometry group = g;
  group.c = cg;
  group.o = og;
  group.groups = 1;
  const std::int64_t inImage = std::int64_t(g.c) * g.h * g.w, outImage = std::int64_t(g.o) * P;
  for (int image = 0; image < n; ++image) {
    for (int gi = 0; gi < g.groups; ++gi) {
      const float* wT = weights + std::size_t(gi) * K * og;
      const float* dyi = dy + image * outImage + std::int64_t(gi) * og * P;
      float* dxi = dx + image * inImage + std::int64_t(gi) * cg * g.h * g.w;
      if (direct) {
        sgemm(stream, K, P, og, wT, dyi, dxi, accumulate);
        continue;
      }
      sgemm(stream, K, P, og, wT, dyi, cols, false);
      col2imKernel<<<gridFor(std::int64_t(cg) * g.h * g.w, 256), 256, 0, stream>>>(group, cols, dxi, accumulate);
      YS_CUDA_CHECK_LAUNCH("col2im");
    }
  }
}

}  // namespace ys::cuda::kernels
