// Index math of window ops (conv, maxpool, their transposes), device-independent.
//
// Convention: output position o of a window op with kernel k, stride s and padBefore p reads
// input positions o*s - p ... o*s - p + k - 1 (those outside [0, size) are padding).
#pragma once

#include <cstdint>

#include "hd.h"

namespace ys::common {

/** floor(a / b) for b > 0 and any sign of a (C++ division truncates toward zero). */
YS_HD inline int floorDiv(int a, int b) {
  const int q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/** ceil(a / b) for b > 0 and any sign of a. */
YS_HD inline int ceilDiv(int a, int b) { return -floorDiv(-a, b); }

YS_HD inline int windowOutputSize(int size, int k, int s, int padBefore, int padAfter) {
  return floorDiv(size + padBefore + padAfter - k, s) + 1;
}

/** Range [first, last] of the output positions whose window covers input position i,
 *  clipped to [0, outSize - 1]; first > last when none does. */
struct Range {
  int first;
  int last;
};

YS_HD inline Range coveringWindows(int i, int k, int s, int padBefore, int outSize) {
  int first = ceilDiv(i + padBefore - k + 1, s);
  int last = floorDiv(i + padBefore, s);
  if (first < 0) first = 0;
  if (last > outSize - 1) last = outSize - 1;
  return Range{first, last};
}

/** Output positions o in [0, outSize) for which input position o*s - p + offset lies in
 *  [0, size): the valid part of one kernel tap's row in col2im. */
YS_HD inline Range validOutputsForTap(int offset, int s, int padBefore, int size, int outSize) {
  int first = ceilDiv(padBefore - offset, s);
  int last = floorDiv(size - 1 + padBefore - offset, s);
  if (first < 0) first = 0;
  if (last > outSize - 1) last = outSize - 1;
  return Range{first, last};
}

/** The output position o whose window's tap k reads input position i (o*s - padBefore + k = i),
 *  when there is one in [0, outSize): how a conv's backward finds, for one input element, the
 *  output element each tap contributes. */
YS_HD inline bool tapOutput(int i, int k, int s, int padBefore, int outSize, int& o) {
  const int r = i + padBefore - k;
  if (r < 0 || r % s != 0) return false;
  o = r / s;
  return o < outSize;
}

/** Where output position o sits in the zero-padded copy of the output dilated by the stride
 *  (o at s*o + k - 1 - padBefore), so that input position i's tap t reads it at i + k - 1 - t
 *  exactly when tapOutput(i, t, ...) gives o: how the CPU's depthwise backward lays out dy
 *  (the CUDA twin uses tapOutput; test_window_math checks the two agree). */
YS_HD inline int dilatedPosition(int o, int k, int s, int padBefore) { return s * o + k - 1 - padBefore; }

/** Depthwise conv (groups = channels, M = filters / channels filters per channel): the filter
 *  m of input channel `channel`, as darknet and ONNX order them. */
YS_HD inline int depthwiseFilter(int channel, int multiplier, int m) { return channel * multiplier + m; }

/** Whether a maxpool argmax (the offset iy*W + ix within its own (n, c) plane of `planeSize`
 *  pixels, as the export records it) lies in that plane. */
YS_HD inline bool argmaxInPlane(std::int64_t index, std::int64_t planeSize) { return index >= 0 && index < planeSize; }

}  // namespace ys::common
