// The CPU kernels one by one (Model strings them together). Public so that tests, and the
// CUDA twins' tests, can run each kernel on its own. All tensors NCHW, row-major; n = batch.
// `accumulate`: add into out (true) or overwrite it (false).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ys/graph.h"
#include "ys/isa.h"
#include "ys/thread_pool.h"
#include "ys/vbp_plan.h"

namespace ys::cpu {

/** One conv layer for one image: input [c,h,w] -> output [o,oh,ow]. */
struct ConvGeometry {
  int c = 0, h = 0, w = 0;
  int o = 0, oh = 0, ow = 0;
  int kh = 1, kw = 1, stride = 1;
  Pads pads;
};

/** A conv's weights transposed (W^T, [c*kh*kw, o]) and packed into the panels of one ISA's
 *  GEMM micro-kernel. Built once per model. */
class PackedConvWeights {
 public:
  /** oihw: o*c*kh*kw floats. isa: Auto or one available (else throws Unsupported). */
  PackedConvWeights(const ConvGeometry& geometry, const float* oihw, Isa isa);
  ~PackedConvWeights();
  PackedConvWeights(PackedConvWeights&&) noexcept;
  PackedConvWeights& operator=(PackedConvWeights&&) noexcept;

  const ConvGeometry& geometry() const;
  Isa isa() const;
  std::size_t bytes() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

/** dx [n,c,h,w] (+)= conv backward-data of dy [n,o,oh,ow]: dx = col2im(W^T . dy).
 *  Deterministic: the summation order does not depend on the thread count. */
void convBackwardData(ThreadPool& pool, const PackedConvWeights& weights, int n, const float* dy,
                      float* dx, bool accumulate);

/** Activation backward over `count` elements (any layout, same for all arrays).
 *  Leaky/Relu read `signs` (1 = input > 0); Logistic reads `logistic` (its output). */
void activationBackward(ThreadPool& pool, const ActivationParams& activation, Rule rule,
                        std::int64_t count, const float* g, const std::uint8_t* signs,
                        const float* logistic, float* dx, bool accumulate);

/** Maxpool backward: dx [n,c,h,w] (+)= scatter-add of g [n,c,oh,ow] to the argmax indices
 *  (flattened over the whole NCHW input; exactly one of idx64 / idx32 non-null). An index
 *  outside its own (n, c) plane throws TapeMismatch naming `layer`. */
void maxpoolBackward(ThreadPool& pool, int n, int c, int h, int w, int oh, int ow, const float* g,
                     const std::int64_t* idx64, const std::int32_t* idx32, float* dx,
                     bool accumulate, const char* layer);

/** Nearest upsample backward: dx [n,c,h,w] (+)= sum of each factor x factor block of
 *  g [n,c,h*factor,w*factor] (row-major order within the block). */
void upsampleBackward(ThreadPool& pool, int n, int c, int h, int w, int factor, const float* g,
                      float* dx, bool accumulate);

/** Concat backward for one input: dx [n,cCount,hw] (+)= g[:, c0:c0+cCount, :] of
 *  g [n,cTotal,hw]. With c0 = 0, cCount = cTotal it is the add / identity pass. */
void channelSliceBackward(ThreadPool& pool, int n, int cTotal, int c0, int cCount, std::int64_t hw,
                          const float* g, float* dx, bool accumulate);

// ---- VisualBackProp pieces (masks are [n, h, w]) -------------------------------------

/** out [n, op.inputH, op.inputW] = all-ones transposed conv of m [n, mh, mw]: each input
 *  pixel gets the sum of m over the windows covering it, summed oy ascending then ox
 *  ascending into one float accumulator. */
void vbpOnesTransposedConv(ThreadPool& pool, int n, int mh, int mw, const float* m,
                           const VbpEdgeOp& op, float* out);

/** out [n, mh/f, mw/f] = (sum of each f x f block, row-major) / (f*f). */
void vbpAveragePool(ThreadPool& pool, int n, int mh, int mw, int factor, const float* m, float* out);

/** Per image: m /= max(m) when max > 0 (a division, not a reciprocal product). */
void vbpNormaliseByMax(ThreadPool& pool, int n, std::int64_t hw, float* m);

/** Per image: m = (m - min) / (max - min), all zeros when max == min. */
void vbpNormaliseMinMax(ThreadPool& pool, int n, std::int64_t hw, float* m);

}  // namespace ys::cpu
