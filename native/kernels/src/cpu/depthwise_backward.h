// Depthwise conv backward-data (groups = channels): the direct kernel conv_backward.cpp hands
// depthwise convs to.
#pragma once

#include "cpu/isa_kernels.h"
#include "ys/cpu_kernels.h"

namespace ys::cpu {

/** dx [n,c,h,w] (+)= the backward of a depthwise conv g (isDepthwise(g)) with OIHW weights
 *  [o, 1, kh, kw] (o = c*M) of dy [n,o,oh,ow], on `k`'s code path. */
void depthwiseBackwardData(ThreadPool& pool, const ConvGeometry& g, const float* oihw, const IsaKernels& k, int n,
                           const float* dy, float* dx, bool accumulate);

}  // namespace ys::cpu
