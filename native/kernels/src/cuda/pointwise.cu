// Elementwise and layout backward kernels: activations (from sign bytes, logistic outputs,
// mish/swish inputs), maxpool scatter to the argmax, upsample block sums, channel slices (concat
// and slice), NHWC <-> NCHW at the edges; and the VBP mask arithmetic. Activations call the
// CPU's own elementwise functions (common/activation_math.h); this file is compiled with
// -fmad=false so they compute the CPU's floats. Other formulas are the CPU kernels' term for term.
#include <algorithm>

#include "common/activation_math.h"
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

enum class ActMode { Linear, Logistic, Relu, Leaky, Mish, Swish };

__global__ void activationKernel(ActMode mode, bool guided, float alpha, std::int64_t count, const float* __restrict__ g,
                                 const std::uint8_t* __restrict__ signs, const float* __restrict__ output,
                                 const float* __restrict__ input, float* __restrict__ dx, bool accumulate) {
  YS_GRID_STRIDE(i, count) {
    float v;
    switch (mode) {
      case ActMode::Linear: v = g[i]; break;
      case ActMode::Logistic: v = common::logisticGradient(g[i], output[i]); break;
      case ActMode::Relu: v = common::reluGradient(guided, g[i], signs[i]); break;
      case ActMode::Leaky: v = common::leakyGradient(guided, g[i], signs[i], alpha); break;
      case ActMode::Mish: v = common::mishGradient(guided, g[i], input[i]); break;
      default: v = common::swishGradient(guided, g[i], input[i]); break;
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

/** dx [n,cTotal,hw]: channels [c0, c0+cCount) (+)= g [n,cCount,hw], the others zeroed unless
 *  accumulating. One thread per dx element. */
__global__ void sliceScatterKernel(std::int64_t total, int cTotal, int c0, int cCount, std::int64_t hw,
                                   const float* __restrict__ g, float* __restrict__ dx, bool accumulate) {
  YS_GRID_STRIDE(i, total) {
    const std::int64_t p = i % hw, plane = i / hw;
    const int c = int(plane % cTotal);
    const std::int64_t image = plane / cTotal;
    if (c < c0 || c >= c0 + cCount) {
      if (!accumulate) dx[i] = 0.0f;
      continue;
    }
    const float v = g[(image * cCount + (c - c0)) * hw + p];
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

void activationBackward(Stream on, const ActivationParams& act, Rule rule, std::int64_t count, const float* g,
                        const cpu::ActivationSaved& saved, float* dx, bool accumulate) {
  const cudaStream_t stream = on.stream;
  ActMode mode = ActMode::Linear;
  switch (act.kind) {
    case Activation::Linear: mode = ActMode::Linear; break;
    case Activation::Logistic: mode = ActMode::Logistic; break;
    case Activation::Relu: mode = ActMode::Relu; break;
    case Activation::Leaky: mode = ActMode::Leaky; break;
    case Activation::Mish: mode = ActMode::Mish; break;
    case Activation::Swish: mode = ActMode::Swish; break;
  }
  if (count == 0) return;
  activationKernel<<<gridFor(count), kBlock, 0, stream>>>(mode, rule == Rule::Guided, act.alpha, count, g, saved.signs,
                                                          saved.output, saved.input, dx, accumulate);
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

void sliceBackward(Stream on, int n, int cTotal, int c0, int cCount, std::int64_t hw, const float* g, float* dx,
                   bool accumulate) {
  const std::int64_t total = std::int64_t(n) * cTotal * hw;
  if (total == 0) return;
  sliceScatterKernel<<<gridFor(total), kBlock, 0, on.stream>>>(total, cTotal, c0, cCount, hw, g, dx, accumulate);
  YS_CUDA_CHECK_LAUNCH("sliceBackward");
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
