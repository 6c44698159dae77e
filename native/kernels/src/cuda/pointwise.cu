// Elementwise and layout backward kernels: activations (from sign bytes / logistic outputs),
// maxpool scatter to the argmax, upsample block sums, channel slices, NHWC <-> NCHW at the
// edges; and the VBP mask arithmetic. Formulas are the CPU kernels' (cpu/activation_backward.cpp,
// ...), term for term.
#include <algorithm>

#include "common/window_math.h"
#include "cuda_check.h"
#include "cuda_kernels.h"

namespace ys::cuda::kernels {

namespace {

constexpr int kBlock = 256;

unsigned gridFor(std::int64_t count) {
  return unsigned(std::max<std::int64_t>(1, std::min<std::int64_t>((count + kBlock - 1) / kBlock, 65535LL * 32)));
}

#define YS_GRID_STRIDE(i, count)                                                                  \
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < (count); \
       i += std::int64_t(gridDim.x) * blockDim.x)

enum class ActMode { Linear, Logistic, Guided, Relu, Leaky };

__global__ void activationKernel(ActMode mode, float alpha, std::int64_t count, const float* __restrict__ g,
                                 const std::uint8_t* __restrict__ signs, const float* __restrict__ logistic,
                                 float* __restrict__ dx, bool accumulate) {
  YS_GRID_STRIDE(i, count) {
    float v;
    switch (mode) {
      case ActMode::Linear: v = g[i]; break;
      case ActMode::Logistic: v = g[i] * (logistic[i] * (1.0f - logistic[i])); break;
      case ActMode::Guided: v = signs[i] && g[i] > 0.0f ? g[i] : 0.0f; break;
      case ActMode::Relu: v = signs[i] ? g[i] : 0.0f; break;
      default: v = signs[i] ? g[i] : g[i] * alpha; break;
    }
    dx[i] = accumulate ? dx[i] + v : v;
  }
}

__global__ void maxpoolScatterKernel(std::int64_t planes, std::int64_t inPlane, std::int64_t outPlane,
                                     const float* __restrict__ g, const std::int32_t* __restrict__ argmax,
                                     float* __restrict__ dx, int* badIndex) {
  YS_GRID_STRIDE(i, planes * outPlane) {
    const std::int64_t plane = i / outPlane;
    if (!common::argmaxInPlane(argmax[i], inPlane)) {
      *badIndex = 1;
      continue;
    }
    // Overlapping windows (stride < size) can pick the same input: add atomically.
    atomicAdd(dx + plane * inPlane + argmax[i], g[i]);
  }
}

__global__ void upsampleKernel(std::int64_t rows, int w, int factor, const float* __restrict__ g,
                               float* __restrict__ dx, bool accumulate) {
  const std::int64_t gw = std::int64_t(w) * factor;
  YS_GRID_STRIDE(i, rows * w) {
    const std::int64_t r = i / w;
    const int x = int(i % w);
    const float* src = g + r * factor * gw + std::int64_t(x) * factor;
    float sum = 0.0f;
    for (int dy = 0; dy < factor; ++dy)
      for (int dxi = 0; dxi < factor; ++dxi) sum += src[dy * gw + dxi];
    dx[i] = accumulate ? dx[i] + sum : sum;
  }
}

__global__ void sliceKernel(std::int64_t total, std::int64_t slice, std::int64_t imageStride, std::int64_t offset,
                            const float* __restrict__ g, float* __restrict__ dx, bool accumulate) {
  YS_GRID_STRIDE(i, total) {
    const float v = g[(i / slice) * imageStride + offset + i % slice];
    dx[i] = accumulate ? dx[i] + v : v;
  }
}

/** dst [n,c,hw] (+)= src [n,hw,c]: one thread per dst element, so writes coalesce. */
__global__ void nhwcToNchwKernel(std::int64_t total, int c, std::int64_t hw, const float* __restrict__ src,
                                 float* __restrict__ dst, bool accumulate) {
  YS_GRID_STRIDE(i, total) {
    const std::int64_t p = i % hw, k = (i / hw) % c, image = i / (hw * c);
    const float v = src[(image * hw + p) * c + k];
    dst[i] = accumulate ? dst[i] + v : v;
  }
}

/** dst [n,hw,c] = src [n,c,hw]. */
__global__ void nchwToNhwcKernel(std::int64_t total, int c, std::int64_t hw, const float* __restrict__ src,
                                 float* __restrict__ dst) {
  YS_GRID_STRIDE(i, total) {
    const std::int64_t k = i % c, p = (i / c) % hw, image = i / (hw * c);
    dst[i] = src[(image * c + k) * hw + p];
  }
}

__global__ void fillKernel(std::int64_t count, float value, float* out) {
  YS_GRID_STRIDE(i, count) out[i] = value;
}
__global__ void addScalarKernel(std::int64_t count, float value, float* m) {
  YS_GRID_STRIDE(i, count) m[i] = m[i] + value;
}
__global__ void multiplyKernel(std::int64_t count, const float* __restrict__ other, float* m) {
  YS_GRID_STRIDE(i, count) m[i] = m[i] * other[i];
}
__global__ void addKernel(std::int64_t count, const float* __restrict__ src, float* dst) {
  YS_GRID_STRIDE(i, count) dst[i] = dst[i] + src[i];
}

}  // namespace

void activationBackward(Stream on, const ActivationParams& act, Rule rule, std::int64_t count,
                        const float* g, const std::uint8_t* signs, const float* logistic, float* dx, bool accumulate) {
  const cudaStream_t stream = on.stream;
  ActMode mode;
  switch (act.kind) {
    case Activation::Linear: mode = ActMode::Linear; break;
    case Activation::Logistic: mode = ActMode::Logistic; break;
    case Activation::Relu: mode = rule == Rule::Guided ? ActMode::Guided : ActMode::Relu; break;
    default: mode = rule == Rule::Guided ? ActMode::Guided : ActMode::Leaky; break;
  }
  if (count == 0) return;
  activationKernel<<<gridFor(count), kBlock, 0, stream>>>(mode, act.alpha, count, g, signs, logistic, dx, accumulate);
  YS_CUDA_CHECK_LAUNCH("activationBackward");
}

void maxpoolBackward(Stream on, int n, int c, int h, int w, int oh, int ow, const float* g, const std::int32_t* argmax,
                     float* dx, bool accumulate, int* badIndex) {
  const cudaStream_t stream = on.stream;
  const std::int64_t planes = std::int64_t(n) * c, inPlane = std::int64_t(h) * w, outPlane = std::int64_t(oh) * ow;
  if (!accumulate) YS_CUDA_CHECK(cudaMemsetAsync(dx, 0, std::size_t(planes * inPlane) * sizeof(float), stream));
  maxpoolScatterKernel<<<gridFor(planes * outPlane), kBlock, 0, stream>>>(planes, inPlane, outPlane, g, argmax, dx, badIndex);
  YS_CUDA_CHECK_LAUNCH("maxpoolBackward");
}

void upsampleBackward(Stream on, int n, int c, int h, int w, int factor, const float* g, float* dx,
                      bool accumulate) {
  const cudaStream_t stream = on.stream;
  const std::int64_t rows = std::int64_t(n) * c * h;
  upsampleKernel<<<gridFor(rows * w), kBlock, 0, stream>>>(rows, w, factor, g, dx, accumulate);
  YS_CUDA_CHECK_LAUNCH("upsampleBackward");
}

void channelSliceBackward(Stream on, int n, int cTotal, int c0, int cCount, std::int64_t hw, const float* g,
                          float* dx, bool accumulate) {
  const cudaStream_t stream = on.stream;
  const std::int64_t slice = std::int64_t(cCount) * hw, total = std::int64_t(n) * slice;
  if (total == 0) return;
  sliceKernel<<<gridFor(total), kBlock, 0, stream>>>(total, slice, std::int64_t(cTotal) * hw, std::int64_t(c0) * hw, g, dx,
                                                     accumulate);
  YS_CUDA_CHECK_LAUNCH("channelSliceBackward");
}

void nhwcToNchw(Stream on, int n, int c, std::int64_t hw, const float* src, float* dst, bool accumulate) {
  const std::int64_t total = std::int64_t(n) * c * hw;
  if (total == 0) return;
  nhwcToNchwKernel<<<gridFor(total), kBlock, 0, on.stream>>>(total, c, hw, src, dst, accumulate);
  YS_CUDA_CHECK_LAUNCH("nhwcToNchw");
}

void nchwToNhwc(Stream on, int n, int c, std::int64_t hw, const float* src, float* dst) {
  const std::int64_t total = std::int64_t(n) * c * hw;
  if (total == 0) return;
  nchwToNhwcKernel<<<gridFor(total), kBlock, 0, on.stream>>>(total, c, hw, src, dst);
  YS_CUDA_CHECK_LAUNCH("nchwToNhwc");
}

void copy(Stream on, std::int64_t count, const float* src, float* dst) {
  if (count > 0) {
    YS_CUDA_CHECK(cudaMemcpyAsync(dst, src, std::size_t(count) * sizeof(float), cudaMemcpyDeviceToDevice, on.stream));
  }
}

void fill(Stream on, std::int64_t count, float value, float* out) {
  const cudaStream_t stream = on.stream;
  fillKernel<<<gridFor(count), kBlock, 0, stream>>>(count, value, out);
  YS_CUDA_CHECK_LAUNCH("fill");
}
void addScalar(Stream on, std::int64_t count, float value, float* m) {
  const cudaStream_t stream = on.stream;
  addScalarKernel<<<gridFor(count), kBlock, 0, stream>>>(count, value, m);
  YS_CUDA_CHECK_LAUNCH("addScalar");
}
void multiply(Stream on, std::int64_t count, const float* other, float* m) {
  const cudaStream_t stream = on.stream;
  multiplyKernel<<<gridFor(count), kBlock, 0, stream>>>(count, other, m);
  YS_CUDA_CHECK_LAUNCH("multiply");
}
void add(Stream on, std::int64_t count, const float* src, float* dst) {
  const cudaStream_t stream = on.stream;
  addKernel<<<gridFor(count), kBlock, 0, stream>>>(count, src, dst);
  YS_CUDA_CHECK_LAUNCH("add");
}

}  // namespace ys::cuda::kernels
