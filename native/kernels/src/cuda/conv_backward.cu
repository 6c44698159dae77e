// Conv backward-data on the GPU: cols = W^T . dy (a shared-memory tiled SGEMM), then col2im
// gathers each dx element from the columns of the taps that read it (no atomics, so the
// result does not depend on scheduling). 1x1 stride-1 unpadded convs skip col2im: their
// columns are dx itself.
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

void convBackwardData(Stream on, const cpu::ConvGeometry& g, const float* wT, int n, const float* dy,
                      float* dx, bool accumulate, float* cols) {
  const cudaStream_t stream = on.stream;
  const int K = g.c * g.kh * g.kw;
  const int P = g.oh * g.ow;
  const bool direct = g.kh == 1 && g.kw == 1 && g.stride == 1 && g.pads.top == 0 && g.pads.left == 0 &&
                      g.pads.bottom == 0 && g.pads.right == 0;
  const std::int64_t inImage = std::int64_t(g.c) * g.h * g.w, outImage = std::int64_t(g.o) * P;
  for (int image = 0; image < n; ++image) {
    const float* dyi = dy + image * outImage;
    float* dxi = dx + image * inImage;
    if (direct) {
      sgemm(stream, K, P, g.o, wT, dyi, dxi, accumulate);
      continue;
    }
    sgemm(stream, K, P, g.o, wT, dyi, cols, false);
    col2imKernel<<<gridFor(inImage, 256), 256, 0, stream>>>(g, cols, dxi, accumulate);
    YS_CUDA_CHECK_LAUNCH("col2im");
  }
}

}  // namespace ys::cuda::kernels
