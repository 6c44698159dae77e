// The CPU kernels one by one (the graph walk strings them together). Public so that tests,
// and the CUDA twins' tests, can run each kernel on its own. All tensors NCHW, row-major, unless
// a kernel says otherwise; n = batch. `accumulate`: add into out (true) or overwrite it (false).
//
// Every kernel takes its executor first: cpu::Exec here, a CUDA stream for the twins
// (src/cuda/cuda_kernels.h). The graph walk (src/walk) calls a kernel by its unqualified name
// with the backend's executor, and argument-dependent lookup picks this family or the CUDA one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ys/graph.h"
#include "ys/isa.h"
#include "ys/thread_pool.h"
#include "ys/vbp_plan.h"

namespace ys::cpu {

/** Where CPU kernels run: a thread pool (a ThreadPool& converts implicitly), and the code path
 *  of the kernels that have one per ISA (Auto: the best available; a Model passes its own). */
struct Exec {
  ThreadPool& pool;
  Isa isa = Isa::Auto;
  Exec(ThreadPool& p, Isa i = Isa::Auto) : pool(p), isa(i) {}  // NOLINT: implicit on purpose
};

/** One conv layer for one image: input [c,h,w] -> output [o,oh,ow]; `groups` divides c and o
 *  (filter f reads input channels [f/(o/groups) * c/groups, +c/groups)). */
struct ConvGeometry {
  int c = 0, h = 0, w = 0;
  int o = 0, oh = 0, ow = 0;
  int kh = 1, kw = 1, stride = 1;
  Pads pads;
  int groups = 1;
};

/** A depthwise conv (groups = c > 1): filter ch*M + m reads input channel ch, M = o / c. */
inline bool isDepthwise(const ConvGeometry& g) { return g.groups > 1 && g.groups == g.c; }

/** A conv's weights prepared once per model for one ISA's kernels: for plain and grouped convs
 *  each group's W^T ([c/groups*kh*kw, o/groups]) packed into the panels of the GEMM
 *  micro-kernel; for depthwise convs the OIHW weights as they are (a direct kernel, no GEMM). */
class PackedConvWeights {
 public:
  /** oihw: o*(c/groups)*kh*kw floats. isa: Auto or one available (else throws Unsupported). */
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

/** dx [n,c,h,w] (+)= conv backward-data of dy [n,o,oh,ow]: per group dx = col2im(W^T . dy),
 *  or, for a depthwise conv, the direct sum over each input channel's own filters. Runs on the
 *  weights' ISA (exec.isa is not used). Deterministic: the summation order (README) does not
 *  depend on the thread count. */
void convBackwardData(Exec exec, const PackedConvWeights& weights, int n, const float* dy, float* dx,
                      bool accumulate);

/** What an activation's backward reads from the tape (each null where its kind reads nothing). */
struct ActivationSaved {
  const std::uint8_t* signs = nullptr;  // leaky, relu: 1 = input > 0
  const float* output = nullptr;        // logistic: its output s
  const float* input = nullptr;         // mish, swish: its input x
};

/** Activation backward over `count` elements (any layout, same for all arrays), under `rule`
 *  (graph.h). Mish and swish run on exec.isa's code path; every path computes the same floats
 *  (src/common/activation_math.h). */
void activationBackward(Exec exec, const ActivationParams& activation, Rule rule, std::int64_t count,
                        const float* g, const ActivationSaved& saved, float* dx, bool accumulate);

/** Maxpool backward: dx [n,c,h,w] (+)= scatter-add of g [n,c,oh,ow] to the argmax indices,
 *  each the offset iy*w + ix of the winning pixel within its own (n, c) plane of h*w. An
 *  index outside [0, h*w) throws TapeMismatch naming `layer`. */
void maxpoolBackward(Exec exec, int n, int c, int h, int w, int oh, int ow, const float* g,
                     const std::int32_t* argmax, float* dx, bool accumulate, const char* layer);

/** Nearest upsample backward: dx [n,c,h,w] (+)= sum of each factor x factor block of
 *  g [n,c,h*factor,w*factor] (row-major order within the block). */
void upsampleBackward(Exec exec, int n, int c, int h, int w, int factor, const float* g, float* dx,
                      bool accumulate);

/** Concat backward for one input: dx [n,cCount,hw] (+)= g[:, c0:c0+cCount, :] of
 *  g [n,cTotal,hw]. With c0 = 0, cCount = cTotal it is the add / identity pass. */
void channelSliceBackward(Exec exec, int n, int cTotal, int c0, int cCount, std::int64_t hw, const float* g,
                          float* dx, bool accumulate);

/** Slice backward (a node keeping channels [c0, c0+cCount) of its input): dx [n,cTotal,hw]
 *  channels [c0, c0+cCount) (+)= g [n,cCount,hw]; the other channels are zeroed (accumulate
 *  false) or left as they are (accumulate true). */
void sliceBackward(Exec exec, int n, int cTotal, int c0, int cCount, std::int64_t hw, const float* g, float* dx,
                   bool accumulate);

// ---- layouts at the edges of a backward ------------------------------------------------

/** dst [n,c,hw] (+)= src [n,hw,c] (NHWC head gradients into the walk's NCHW). */
void nhwcToNchw(Exec exec, int n, int c, std::int64_t hw, const float* src, float* dst, bool accumulate);

/** dst [n,hw,c] = src [n,c,hw] (the walk's NCHW gradient out as NHWC). */
void nchwToNhwc(Exec exec, int n, int c, std::int64_t hw, const float* src, float* dst);

// ---- VisualBackProp pieces (masks are [n, h, w]) -------------------------------------

/** out = value. */
void fill(Exec exec, std::int64_t count, float value, float* out);
/** m = m + value (the seed added to a mask that already arrived). */
void addScalar(Exec exec, std::int64_t count, float value, float* m);
/** m = m * other, elementwise. */
void multiply(Exec exec, std::int64_t count, const float* other, float* m);
/** dst = dst + src, elementwise. */
void add(Exec exec, std::int64_t count, const float* src, float* dst);
/** dst = src. */
void copy(Exec exec, std::int64_t count, const float* src, float* dst);

/** out [n, op.inputH, op.inputW] = all-ones transposed conv of m [n, mh, mw]: each input
 *  pixel gets the sum of m over the windows covering it, summed oy ascending then ox
 *  ascending into one float accumulator. */
void vbpOnesTransposedConv(Exec exec, int n, int mh, int mw, const float* m, const VbpEdgeOp& op, float* out);

/** out [n, mh/f, mw/f] = (sum of each f x f block, row-major) / (f*f). */
void vbpAveragePool(Exec exec, int n, int mh, int mw, int factor, const float* m, float* out);

/** Per image: m /= max(m) when max > 0 (a division, not a reciprocal product). */
void vbpNormaliseByMax(Exec exec, int n, std::int64_t hw, float* m);

/** Per image: m = (m - min) / (max - min), all zeros when max == min. */
void vbpNormaliseMinMax(Exec exec, int n, std::int64_t hw, float* m);

}  // namespace ys::cpu
