// The CUDA twins of ys::cpu (include/ys/cpu_kernels.h): same arguments and layouts, device
// pointers, launched on a stream. Each takes its executor first (Stream, as the CPU kernels
// take cpu::Exec), so the graph walk (src/walk) calls either family by the same name. Index
// math and the activations' elementwise functions come from src/common (YS_HD), so the CPU
// tests cover them too. Summation orders follow the CPU kernels where the CPU header fixes them
// (VBP, upsample, depthwise conv); the conv GEMM and the maxpool scatter (atomics) sum in
// another order and match the CPU to float32 rounding, not bit for bit.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "ys/cpu_kernels.h"
#include "ys/graph.h"
#include "ys/vbp_plan.h"

namespace ys::cuda::kernels {

/** Where CUDA kernels run: a stream (a cudaStream_t, or nullptr for the default stream,
 *  converts implicitly). */
struct Stream {
  cudaStream_t stream;
  Stream(cudaStream_t s) : stream(s) {}  // NOLINT: implicit on purpose
};

/** C[M,N] = A[M,K] . B[K,N] (+ C when accumulate); row-major, leading dims = widths. */
void sgemm(Stream s, int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);

/** dx [n,c,h,w] (+)= conv backward-data of dy [n,o,oh,ow]. Plain and grouped convs: `weights`
 *  holds each group's W^T [c/G*kh*kw, o/G], group after group (convWeightsFloats), and each
 *  group is a GEMM then col2im; `cols`: scratch of convColsFloats(g) floats (none needed for
 *  1x1 stride-1 unpadded convs). Depthwise convs (cpu::isDepthwise): `weights` is OIHW as is and
 *  a direct kernel sums each dx element in the CPU's order with FMA (bit for bit the CPU's
 *  vector paths); `cols` is unused. */
void convBackwardData(Stream s, const cpu::ConvGeometry& g, const float* weights, int n, const float* dy, float* dx,
                      bool accumulate, float* cols);

/** Floats of the weights convBackwardData takes (= the OIHW count). */
std::size_t convWeightsFloats(const cpu::ConvGeometry& g);
/** Floats of the scratch convBackwardData takes. */
std::size_t convColsFloats(const cpu::ConvGeometry& g);

/** OIHW -> what convBackwardData takes: each group's [o/G, c/G*kh*kw] block transposed to W^T
 *  (plain and grouped convs), or a copy (depthwise). Once per model. */
void prepareConvWeights(Stream s, const cpu::ConvGeometry& g, const float* oihw, float* weights);

/** OIHW [o, c*kh*kw] -> W^T [c*kh*kw, o]. */
void transposeWeights(Stream s, int o, int k, const float* oihw, float* wT);

/** The CPU's rules (src/common/activation_math.h, the same functions); `saved` holds device
 *  pointers. */
void activationBackward(Stream s, const ActivationParams& activation, Rule rule, std::int64_t count, const float* g,
                        const cpu::ActivationSaved& saved, float* dx, bool accumulate);

/** argmax: per-plane offsets as on the CPU. `badIndex` (device int, zeroed by the caller) is
 *  set to 1 when an index leaves its plane; that output's gradient is dropped. */
void maxpoolBackward(Stream s, int n, int c, int h, int w, int oh, int ow, const float* g, const std::int32_t* argmax,
                     float* dx, bool accumulate, int* badIndex);

void upsampleBackward(Stream s, int n, int c, int h, int w, int factor, const float* g, float* dx, bool accumulate);

void channelSliceBackward(Stream s, int n, int cTotal, int c0, int cCount, std::int64_t hw, const float* g, float* dx,
                          bool accumulate);

void sliceBackward(Stream s, int n, int cTotal, int c0, int cCount, std::int64_t hw, const float* g, float* dx,
                   bool accumulate);

// ---- layouts at the edges of a backward ------------------------------------------------
void nhwcToNchw(Stream s, int n, int c, std::int64_t hw, const float* src, float* dst, bool accumulate);
void nchwToNhwc(Stream s, int n, int c, std::int64_t hw, const float* src, float* dst);

// ---- VisualBackProp ---------------------------------------------------------------------
void fill(Stream s, std::int64_t count, float value, float* out);
/** m += value (the seed added to a mask that already arrived). */
void addScalar(Stream s, std::int64_t count, float value, float* m);
/** m *= other, elementwise. */
void multiply(Stream s, std::int64_t count, const float* other, float* m);
/** dst += src, elementwise. */
void add(Stream s, std::int64_t count, const float* src, float* dst);
/** dst = src (device to device). */
void copy(Stream s, std::int64_t count, const float* src, float* dst);
void vbpOnesTransposedConv(Stream s, int n, int mh, int mw, const float* m, const VbpEdgeOp& op, float* out);
void vbpAveragePool(Stream s, int n, int mh, int mw, int factor, const float* m, float* out);
void vbpNormaliseByMax(Stream s, int n, std::int64_t hw, float* m);
void vbpNormaliseMinMax(Stream s, int n, std::int64_t hw, float* m);

}  // namespace ys::cuda::kernels
