// VisualBackProp on the GPU. Each output pixel sums in the CPU's order (cpu/vbp_kernels.cpp:
// oy ascending then ox, one float accumulator), and the normalisations divide as the CPU
// does, so masks match the CPU bit for bit up to the min/max reductions (which are exact).
#include <algorithm>
#include <cfloat>

#include "common/window_math.h"
#include "cuda_check.h"
#include "cuda_kernels.h"

namespace ys::cuda::kernels {

namespace {

constexpr int kBlock = 256;

unsigned gridFor(std::int64_t count) {
  return unsigned(std::max<std::int64_t>(1, std::min<std::int64_t>((count + kBlock - 1) / kBlock, 65535LL * 32)));
}

__global__ void onesTransposedConvKernel(int n, int mh, int mw, const float* __restrict__ m, VbpEdgeOp op,
                                         float* __restrict__ out) {
  const int h = op.inputH, w = op.inputW;
  const std::int64_t total = std::int64_t(n) * h * w;
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < total;
       i += std::int64_t(gridDim.x) * blockDim.x) {
    const int j = int(i % w);
    const std::int64_t r = i / w;
    const int row = int(r % h);
    const float* mi = m + (r / h) * std::int64_t(mh) * mw;
    const common::Range ys = common::coveringWindows(row, op.kh, op.stride, op.pads.top, mh);
    const common::Range xs = common::coveringWindows(j, op.kw, op.stride, op.pads.left, mw);
    float sum = 0.0f;
    for (int oy = ys.first; oy <= ys.last; ++oy)
      for (int ox = xs.first; ox <= xs.last; ++ox) sum += mi[std::int64_t(oy) * mw + ox];
    out[i] = sum;
  }
}

__global__ void averagePoolKernel(int n, int mh, int mw, int f, const float* __restrict__ m, float* __restrict__ out) {
  const int h = mh / f, w = mw / f;
  const std::int64_t total = std::int64_t(n) * h * w;
  const float count = float(f * f);
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < total;
       i += std::int64_t(gridDim.x) * blockDim.x) {
    const int x = int(i % w);
    const std::int64_t r = i / w;
    const float* src = m + r * f * mw;
    float sum = 0.0f;
    for (int dy = 0; dy < f; ++dy)
      for (int dx = 0; dx < f; ++dx) sum += src[std::int64_t(dy) * mw + std::int64_t(x) * f + dx];
    out[i] = sum / count;
  }
}

/** One block per image: reduce min and max in shared memory, then rewrite the image. */
template <bool MinMax>
__global__ void normaliseKernel(std::int64_t hw, float* m) {
  __shared__ float smax[kBlock];
  __shared__ float smin[kBlock];
  float* mi = m + blockIdx.x * hw;
  float hi = -FLT_MAX, lo = FLT_MAX;
  for (std::int64_t i = threadIdx.x; i < hw; i += blockDim.x) {
    hi = fmaxf(hi, mi[i]);
    lo = fminf(lo, mi[i]);
  }
  smax[threadIdx.x] = hi;
  smin[threadIdx.x] = lo;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s /= 2) {
    if (threadIdx.x < s) {
      smax[threadIdx.x] = fmaxf(smax[threadIdx.x], smax[threadIdx.x + s]);
      smin[threadIdx.x] = fminf(smin[threadIdx.x], smin[threadIdx.x + s]);
    }
    __syncthreads();
  }
  const float max = smax[0], min = smin[0];
  if (MinMax) {
    const float range = max - min;
    for (std::int64_t i = threadIdx.x; i < hw; i += blockDim.x) mi[i] = range > 0.0f ? (mi[i] - min) / range : 0.0f;
  } else if (max > 0.0f) {
    for (std::int64_t i = threadIdx.x; i < hw; i += blockDim.x) mi[i] = mi[i] / max;
  }
}

}  // namespace

void vbpOnesTransposedConv(Stream on, int n, int mh, int mw, const float* m, const VbpEdgeOp& op, float* out) {
  const cudaStream_t stream = on.stream;
  onesTransposedConvKernel<<<gridFor(std::int64_t(n) * op.inputH * op.inputW), kBlock, 0, stream>>>(n, mh, mw, m, op, out);
  YS_CUDA_CHECK_LAUNCH("vbpOnesTransposedConv");
}

void vbpAveragePool(Stream on, int n, int mh, int mw, int factor, const float* m, float* out) {
  const cudaStream_t stream = on.stream;
  averagePoolKernel<<<gridFor(std::int64_t(n) * (mh / factor) * (mw / factor)), kBlock, 0, stream>>>(n, mh, mw, factor, m, out);
  YS_CUDA_CHECK_LAUNCH("vbpAveragePool");
}

void vbpNormaliseByMax(Stream on, int n, std::int64_t hw, float* m) {
  const cudaStream_t stream = on.stream;
  if (n == 0) return;
  normaliseKernel<false><<<unsigned(n), kBlock, 0, stream>>>(hw, m);
  YS_CUDA_CHECK_LAUNCH("vbpNormaliseByMax");
}

void vbpNormaliseMinMax(Stream on, int n, std::int64_t hw, float* m) {
  const cudaStream_t stream = on.stream;
  if (n == 0) return;
  normaliseKernel<true><<<unsigned(n), kBlock, 0, stream>>>(hw, m);
  YS_CUDA_CHECK_LAUNCH("vbpNormaliseMinMax");
}

}  // namespace ys::cuda::kernels
