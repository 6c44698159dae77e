// The CUDA twins of ys::cpu (include/ys/cpu_kernels.h): same arguments and layouts, device
// pointers, launched on `stream`. Index math comes from src/common (YS_HD), so the CPU tests
// cover it too. Summation orders follow the CPU kernels where the CPU header fixes them
// (VBP, upsample); the conv GEMM and the maxpool scatter (atomics) sum in another order and
// match the CPU to float32 rounding, not bit for bit.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "ys/cpu_kernels.h"
#include "ys/graph.h"
#include "ys/vbp_plan.h"

namespace ys::cuda::kernels {

/** C[M,N] = A[M,K] . B[K,N] (+ C when accumulate); row-major, leading dims = widths. */
void sgemm(cudaStream_t stream, int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);

/** dx [n,c,h,w] (+)= conv backward-data of dy [n,o,oh,ow]. wT: W^T [c*kh*kw, o]; `cols`:
 *  scratch of c*kh*kw*oh*ow floats (unused for 1x1 stride-1 unpadded convs). */
void convBackwardData(cudaStream_t stream, const cpu::ConvGeometry& g, const float* wT, int n, const float* dy,
                      float* dx, bool accumulate, float* cols);

/** OIHW [o, c*kh*kw] -> W^T [c*kh*kw, o] (once per model). */
void transposeWeights(cudaStream_t stream, int o, int k, const float* oihw, float* wT);

void activationBackward(cudaStream_t stream, const ActivationParams& activation, Rule rule, std::int64_t count,
                        const float* g, const std::uint8_t* signs, const float* logistic, float* dx, bool accumulate);

/** `badIndex` (device int, zeroed by the caller) is set to 1 when an index leaves its plane. */
void maxpoolBackward(cudaStream_t stream, int n, int c, int h, int w, int oh, int ow, const float* g,
                     const std::int64_t* idx64, const std::int32_t* idx32, float* dx, bool accumulate, int* badIndex);

void upsampleBackward(cudaStream_t stream, int n, int c, int h, int w, int factor, const float* g, float* dx,
                      bool accumulate);

void channelSliceBackward(cudaStream_t stream, int n, int cTotal, int c0, int cCount, std::int64_t hw, const float* g,
                          float* dx, bool accumulate);

// ---- VisualBackProp ---------------------------------------------------------------------
void fill(cudaStream_t stream, std::int64_t count, float value, float* out);
/** m += value (the seed added to a mask that already arrived). */
void addScalar(cudaStream_t stream, std::int64_t count, float value, float* m);
/** m *= other, elementwise. */
void multiply(cudaStream_t stream, std::int64_t count, const float* other, float* m);
/** dst += src, elementwise. */
void add(cudaStream_t stream, std::int64_t count, const float* src, float* dst);
void vbpOnesTransposedConv(cudaStream_t stream, int n, int mh, int mw, const float* m, const VbpEdgeOp& op, float* out);
void vbpAveragePool(cudaStream_t stream, int n, int mh, int mw, int factor, const float* m, float* out);
void vbpNormaliseByMax(cudaStream_t stream, int n, std::int64_t hw, float* m);
void vbpNormaliseMinMax(cudaStream_t stream, int n, std::int64_t hw, float* m);

}  // namespace ys::cuda::kernels
