// Straightforward reference implementations for the tests: direct loops in double, written
// from the definitions (not from the library's code), plus a small graph builder and a
// float64 forward that produces the tape ONNX Runtime would record.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "check.h"
#include "ys/graph.h"
#include "ys/tape.h"
#include "ys/vbp_plan.h"

namespace yst {

using ys::Pads;

/** dx[n,c,h,w] = sum over every (o, oy, ox, ky, kx) whose window tap lands on (iy, ix), o
 *  ranging over the filters of the input channel's group (OIHW weights, I = c / groups). */
inline std::vector<double> naiveConvBackwardData(int n, int c, int h, int w, int o, int oh, int ow, int kh, int kw,
                                                 int s, Pads p, const std::vector<float>& wt, const std::vector<float>& dy,
                                                 int groups = 1) {
  const int cg = c / groups, og = o / groups;
  std::vector<double> dx(std::size_t(n) * c * h * w, 0.0);
  for (int in = 0; in < n; ++in)
    for (int io = 0; io < o; ++io)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox)
          for (int j = 0; j < cg; ++j)
            for (int ky = 0; ky < kh; ++ky)
              for (int kx = 0; kx < kw; ++kx) {
                const int ic = (io / og) * cg + j;
                const int iy = oy * s - p.top + ky, ix = ox * s - p.left + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                dx[((std::size_t(in) * c + ic) * h + iy) * w + ix] +=
                    double(wt[((std::size_t(io) * cg + j) * kh + ky) * kw + kx]) *
                    double(dy[((std::size_t(in) * o + io) * oh + oy) * ow + ox]);
              }
  return dx;
}

/** mish(x) = x tanh(softplus(x)) and swish(x) = x sigmoid(x), and their derivatives, in double
 *  from the textbook definitions (log1p, tanh, exp of the C library). */
inline double softplus(double x) { return x > 30 ? x : std::log1p(std::exp(x)); }
inline double sigmoid(double x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); }
inline double mish(double x) { return x * std::tanh(softplus(x)); }
inline double swish(double x) { return x * sigmoid(x); }
inline double mishDerivative(double x) {
  const double t = std::tanh(softplus(x));
  return t + x * (1 - t * t) * sigmoid(x);
}
inline double swishDerivative(double x) {
  const double s = sigmoid(x);
  return s + x * s * (1 - s);
}

inline int outSize(int size, int k, int s, int before, int after) {
  const int span = size + before + after - k;
  return (span >= 0 ? span / s : -((-span + s - 1) / s)) + 1;
}

// ---- a small graph with weights, and its float64 forward --------------------------------

struct TestGraph {
  ys::GraphDesc desc;
  std::vector<std::shared_ptr<std::vector<float>>> weights;  // keeps conv weights alive

  int add(ys::NodeDesc node) {
    desc.nodes.push_back(std::move(node));
    return int(desc.nodes.size()) - 1;
  }
  ys::Shape shape(int i) const { return desc.nodes[std::size_t(i)].shape; }

  int input(int c, int h, int w) {
    ys::NodeDesc nd;
    nd.name = "input";
    nd.kind = ys::NodeKind::Input;
    nd.shape = {c, h, w};
    return add(nd);
  }
  int conv(int from, int filters, int k, int stride, Pads pads, Rng& rng, int groups = 1) {
    const ys::Shape in = shape(from);
    ys::NodeDesc nd;
    nd.name = "conv_" + std::to_string(desc.nodes.size());
    nd.kind = ys::NodeKind::Conv;
    nd.inputs = {from};
    nd.conv.filters = filters;
    nd.conv.channels = in.c;
    nd.conv.kh = nd.conv.kw = k;
    nd.conv.stride = stride;
    nd.conv.pads = pads;
    nd.conv.groups = groups;
    auto wts = std::make_shared<std::vector<float>>(rng.floats(std::size_t(filters) * (in.c / groups) * k * k, -0.5f, 0.5f));
    weights.push_back(wts);
    nd.conv.weights = {wts->data(), wts->size()};
    nd.shape = {filters, outSize(in.h, k, stride, pads.top, pads.bottom), outSize(in.w, k, stride, pads.left, pads.right)};
    return add(nd);
  }
  int activation(int from, ys::Activation kind, float alpha = 0.1f) {
    ys::NodeDesc nd;
    nd.name = "act_" + std::to_string(desc.nodes.size());
    nd.kind = ys::NodeKind::Activation;
    nd.inputs = {from};
    nd.activation = {kind, alpha};
    nd.shape = shape(from);
    return add(nd);
  }
  int maxpool(int from, int size, int stride, Pads pads) {
    const ys::Shape in = shape(from);
    ys::NodeDesc nd;
    nd.name = "pool_" + std::to_string(desc.nodes.size());
    nd.kind = ys::NodeKind::MaxPool;
    nd.inputs = {from};
    nd.maxpool = {size, stride, pads};
    nd.shape = {in.c, outSize(in.h, size, stride, pads.top, pads.bottom), outSize(in.w, size, stride, pads.left, pads.right)};
    return add(nd);
  }
  int upsample(int from, int factor) {
    const ys::Shape in = shape(from);
    ys::NodeDesc nd;
    nd.name = "up_" + std::to_string(desc.nodes.size());
    nd.kind = ys::NodeKind::Upsample;
    nd.inputs = {from};
    nd.upsampleFactor = factor;
    nd.shape = {in.c, in.h * factor, in.w * factor};
    return add(nd);
  }
  int concat(std::vector<int> from) {
    ys::NodeDesc nd;
    nd.name = "route_" + std::to_string(desc.nodes.size());
    nd.kind = ys::NodeKind::Concat;
    nd.inputs = from;
    nd.shape = {0, shape(from[0]).h, shape(from[0]).w};
    for (int j : from) nd.shape.c += shape(j).c;
    return add(nd);
  }
  int slice(int from, int start, int count) {
    ys::NodeDesc nd;
    nd.name = "slice_" + std::to_string(desc.nodes.size());
    nd.kind = ys::NodeKind::Slice;
    nd.inputs = {from};
    nd.slice = {start, count};
    nd.shape = {count, shape(from).h, shape(from).w};
    return add(nd);
  }
  int addNode(std::vector<int> from) {
    ys::NodeDesc nd;
    nd.name = "shortcut_" + std::to_string(desc.nodes.size());
    nd.kind = ys::NodeKind::Add;
    nd.inputs = from;
    nd.shape = shape(from[0]);
    return add(nd);
  }
  int yolo(int from) {
    ys::NodeDesc nd;
    nd.name = "yolo_" + std::to_string(desc.nodes.size());
    nd.kind = ys::NodeKind::Yolo;
    nd.inputs = {from};
    nd.shape = shape(from);
    const int i = add(nd);
    desc.heads.push_back(i);
    return i;
  }
};

/**
 * conv-leaky-maxpool-conv(asymmetric pads, stride 2)-leaky-maxpool(stride 1)-conv-relu-
 * upsample-concat-conv-logistic-add(fan-out)-two heads. Input [3, 16, 16].
 */
inline TestGraph smallYolo(Rng& rng, int hw = 16) {
  TestGraph g;
  using A = ys::Activation;
  const int x = g.input(3, hw, hw);
  const int c1 = g.conv(x, 8, 3, 1, {1, 1, 1, 1}, rng);
  const int a1 = g.activation(c1, A::Leaky);
  const int p1 = g.maxpool(a1, 2, 2, {0, 0, 0, 0});                 // 8 x 8
  const int c2 = g.conv(p1, 16, 3, 2, {1, 1, 0, 0}, rng);            // keras style: 4 x 4
  const int a2 = g.activation(c2, A::Leaky);
  const int p2 = g.maxpool(a2, 2, 1, {0, 0, 1, 1});                  // tiny style: 4 x 4
  const int c3 = g.conv(p2, 8, 1, 1, {0, 0, 0, 0}, rng);
  const int a3 = g.activation(c3, A::Relu);
  const int u = g.upsample(a3, 2);                                   // 8 x 8
  const int r = g.concat({u, p1});                                   // 16 ch
  const int c4 = g.conv(r, 8, 3, 1, {0, 1, 2, 1}, rng);               // odd pads, 8 x 8
  const int a4 = g.activation(c4, A::Logistic);
  const int s = g.addNode({a4, p1});                                 // p1 fans out to 3 consumers
  const int c5 = g.conv(s, 12, 1, 1, {0, 0, 0, 0}, rng);             // head: 2 anchors x (5 + 1)
  g.yolo(c5);
  const int c6 = g.conv(p2, 12, 1, 1, {0, 0, 0, 0}, rng);
  const int lin = g.activation(c6, A::Linear);
  g.yolo(lin);
  return g;
}

/**
 * The YOLOv4 family's blocks (Yolo-Fastest, CSP): mish and swish, depthwise convs (multiplier 1
 * stride 1; multiplier 2, stride 2, asymmetric pads), grouped convs (odd pads too), channel
 * slices (darknet's split route) feeding a concat with their own input (fan-out), upsample,
 * two heads. Input [3, hw, hw], hw a multiple of 4.
 */
inline TestGraph smallYoloV4(Rng& rng, int hw = 16) {
  TestGraph g;
  using A = ys::Activation;
  const Pads same{1, 1, 1, 1}, none{0, 0, 0, 0};
  const int x = g.input(3, hw, hw);
  const int c1 = g.conv(x, 8, 3, 2, same, rng);                       // hw/2
  const int a1 = g.activation(c1, A::Mish);
  const int c2 = g.conv(a1, 8, 1, 1, none, rng);
  const int a2 = g.activation(c2, A::Swish);
  const int d1 = g.conv(a2, 8, 3, 1, same, rng, 8);                   // depthwise, multiplier 1
  const int a3 = g.activation(d1, A::Leaky);
  const int d2 = g.conv(a3, 16, 3, 2, {1, 1, 0, 0}, rng, 8);          // depthwise x2, keras pads: hw/4
  const int a4 = g.activation(d2, A::Mish);
  const int g1 = g.conv(a4, 12, 3, 1, same, rng, 4);                  // grouped, 4 groups
  const int a5 = g.activation(g1, A::Relu);
  const int s1 = g.slice(a5, 6, 6);                                   // CSP split: the second half
  const int g2 = g.conv(s1, 6, 3, 1, {0, 1, 2, 1}, rng, 2);           // grouped, odd pads
  const int a6 = g.activation(g2, A::Swish);
  const int r1 = g.concat({a6, s1});                                  // s1 fans out
  const int r2 = g.concat({a5, r1});                                  // a5 fans out
  const int c3 = g.conv(r2, 12, 1, 1, none, rng);
  g.yolo(c3);
  const int c4 = g.conv(a5, 4, 1, 1, none, rng);
  const int u = g.upsample(c4, 2);                                    // hw/2
  const int s2 = g.slice(a2, 0, 4);                                   // a2 fans out
  const int r3 = g.concat({u, s2});
  const int c5 = g.conv(r3, 12, 3, 1, same, rng, 2);
  const int lin = g.activation(c5, A::Linear);
  g.yolo(lin);
  return g;
}

/** Flat NCHW index of output k's argmax of a maxpool with output planes of outPlane and input
 *  planes of inPlane pixels (the tape stores offsets within the plane). */
inline std::size_t argmaxFlat(const std::vector<std::int32_t>& argmax, std::size_t k, std::size_t outPlane,
                              std::size_t inPlane) {
  return (k / outPlane) * inPlane + std::size_t(argmax[k]);
}

/** Everything a float64 forward of a TestGraph gives: outputs and the tape contents. */
struct Forward {
  int batch = 0;
  std::vector<std::vector<double>> out;  // per node, [N, C, H, W]
  std::vector<std::vector<std::uint8_t>> signs;
  std::vector<std::vector<float>> output;  // logistic outputs
  std::vector<std::vector<float>> input;   // mish / swish inputs
  std::vector<std::vector<std::int32_t>> argmax;  // per (n, c) plane: y*W + x
  std::vector<std::vector<float>> mean;

  ys::TapeView tape() const {
    ys::TapeView t;
    t.batch = batch;
    t.nodes.resize(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!signs[i].empty()) t.nodes[i].signs = {signs[i].data(), signs[i].size()};
      if (!output[i].empty()) t.nodes[i].output = {output[i].data(), output[i].size()};
      if (!input[i].empty()) t.nodes[i].input = {input[i].data(), input[i].size()};
      if (!argmax[i].empty()) t.nodes[i].argmax = {argmax[i].data(), argmax[i].size()};
      if (!mean[i].empty()) t.nodes[i].mean = {mean[i].data(), mean[i].size()};
    }
    return t;
  }
};

/** Forward in double. `bump` (node, element, delta) adds delta to one output element of one
 *  node before its consumers read it (for finite differences at any node). */
struct Bump {
  int node = -1;
  std::size_t index = 0;
  double delta = 0;
};

inline Forward forward(const TestGraph& g, int n, const std::vector<double>& x, Bump bump = {}) {
  const auto& nodes = g.desc.nodes;
  Forward f;
  f.batch = n;
  f.out.resize(nodes.size());
  f.signs.resize(nodes.size());
  f.output.resize(nodes.size());
  f.input.resize(nodes.size());
  f.argmax.resize(nodes.size());
  f.mean.resize(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const ys::NodeDesc& nd = nodes[i];
    const ys::Shape s = nd.shape;
    std::vector<double>& out = f.out[i];
    out.assign(std::size_t(n) * s.elements(), 0.0);
    const std::vector<double>* in = nd.inputs.empty() ? nullptr : &f.out[std::size_t(nd.inputs[0])];
    const ys::Shape is = nd.inputs.empty() ? s : nodes[std::size_t(nd.inputs[0])].shape;
    switch (nd.kind) {
      case ys::NodeKind::Input:
        out = x;
        break;
      case ys::NodeKind::Conv: {
        const ys::ConvParams& c = nd.conv;
        const int cg = is.c / c.groups, og = s.c / c.groups;  // filter o reads channels of its group
        for (int b = 0; b < n; ++b)
          for (int o = 0; o < s.c; ++o)
            for (int oy = 0; oy < s.h; ++oy)
              for (int ox = 0; ox < s.w; ++ox) {
                double sum = 0;
                for (int j = 0; j < cg; ++j)
                  for (int ky = 0; ky < c.kh; ++ky)
                    for (int kx = 0; kx < c.kw; ++kx) {
                      const int ic = (o / og) * cg + j;
                      const int iy = oy * c.stride - c.pads.top + ky, ix = ox * c.stride - c.pads.left + kx;
                      if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w) continue;
                      sum += double(c.weights.data[((std::size_t(o) * cg + j) * c.kh + ky) * c.kw + kx]) *
                             (*in)[((std::size_t(b) * is.c + ic) * is.h + iy) * is.w + ix];
                    }
                out[((std::size_t(b) * s.c + o) * s.h + oy) * s.w + ox] = sum;
              }
        break;
      }
      case ys::NodeKind::Activation: {
        const ys::Activation kind = nd.activation.kind;
        const bool signed_ = kind == ys::Activation::Leaky || kind == ys::Activation::Relu;
        const bool smooth = kind == ys::Activation::Mish || kind == ys::Activation::Swish;
        if (signed_) f.signs[i].resize(out.size());
        if (kind == ys::Activation::Logistic) f.output[i].resize(out.size());
        if (smooth) f.input[i].resize(out.size());
        for (std::size_t k = 0; k < out.size(); ++k) {
          const double v = (*in)[k];
          switch (kind) {
            case ys::Activation::Leaky: out[k] = v > 0 ? v : v * nd.activation.alpha; break;
            case ys::Activation::Relu: out[k] = v > 0 ? v : 0; break;
            case ys::Activation::Logistic: out[k] = 1 / (1 + std::exp(-v)); f.output[i][k] = float(out[k]); break;
            case ys::Activation::Linear: out[k] = v; break;
            case ys::Activation::Mish: out[k] = mish(v); break;
            case ys::Activation::Swish: out[k] = swish(v); break;
          }
          if (signed_) f.signs[i][k] = v > 0 ? 1 : 0;
          if (smooth) f.input[i][k] = float(v);
        }
        break;
      }
      case ys::NodeKind::MaxPool: {
        const ys::MaxPoolParams& p = nd.maxpool;
        f.argmax[i].resize(out.size());
        for (int b = 0; b < n; ++b)
          for (int c = 0; c < s.c; ++c)
            for (int oy = 0; oy < s.h; ++oy)
              for (int ox = 0; ox < s.w; ++ox) {
                double best = -std::numeric_limits<double>::infinity();
                std::int32_t arg = -1;
                const std::size_t plane = (std::size_t(b) * is.c + c) * is.h * is.w;
                for (int ky = 0; ky < p.size; ++ky)
                  for (int kx = 0; kx < p.size; ++kx) {
                    const int iy = oy * p.stride - p.pads.top + ky, ix = ox * p.stride - p.pads.left + kx;
                    if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w) continue;  // padding never wins
                    const std::int32_t idx = iy * is.w + ix;
                    if ((*in)[plane + std::size_t(idx)] > best) best = (*in)[plane + std::size_t(idx)], arg = idx;
                  }
                const std::size_t k = ((std::size_t(b) * s.c + c) * s.h + oy) * s.w + ox;
                out[k] = best;
                f.argmax[i][k] = arg;
              }
        break;
      }
      case ys::NodeKind::Upsample: {
        const int fct = nd.upsampleFactor;
        for (int b = 0; b < n; ++b)
          for (int c = 0; c < s.c; ++c)
            for (int y = 0; y < s.h; ++y)
              for (int xx = 0; xx < s.w; ++xx)
                out[((std::size_t(b) * s.c + c) * s.h + y) * s.w + xx] =
                    (*in)[((std::size_t(b) * is.c + c) * is.h + y / fct) * is.w + xx / fct];
        break;
      }
      case ys::NodeKind::Concat: {
        const std::size_t hw = std::size_t(s.h) * s.w;
        for (int b = 0; b < n; ++b) {
          int c0 = 0;
          for (int j : nd.inputs) {
            const int cj = nodes[std::size_t(j)].shape.c;
            for (std::size_t k = 0; k < std::size_t(cj) * hw; ++k)
              out[(std::size_t(b) * s.c + c0) * hw + k] = f.out[std::size_t(j)][std::size_t(b) * cj * hw + k];
            c0 += cj;
          }
        }
        break;
      }
      case ys::NodeKind::Slice: {
        const std::size_t hw = std::size_t(s.h) * s.w;
        for (int b = 0; b < n; ++b)
          for (std::size_t k = 0; k < std::size_t(s.c) * hw; ++k)
            out[std::size_t(b) * s.c * hw + k] = (*in)[(std::size_t(b) * is.c + nd.slice.start) * hw + k];
        break;
      }
      case ys::NodeKind::Add:
        for (int j : nd.inputs)
          for (std::size_t k = 0; k < out.size(); ++k) out[k] += f.out[std::size_t(j)][k];
        break;
      case ys::NodeKind::Yolo:
        out = *in;
        break;
    }
    if (bump.node == int(i)) out[bump.index] += bump.delta;
    // VBP mean map of every non-linear activation: max(0, channel mean).
    if (nd.kind == ys::NodeKind::Activation && nd.activation.kind != ys::Activation::Linear) {
      const std::size_t hw = std::size_t(s.h) * s.w;
      f.mean[i].assign(std::size_t(n) * hw, 0.0f);
      for (int b = 0; b < n; ++b)
        for (std::size_t k = 0; k < hw; ++k) {
          double sum = 0;
          for (int c = 0; c < s.c; ++c) sum += out[(std::size_t(b) * s.c + c) * hw + k];
          f.mean[i][std::size_t(b) * hw + k] = float(std::max(0.0, sum / s.c));
        }
    }
  }
  return f;
}

/** Port of packages/core/src/algorithms/vbp-plan.ts planVisualBackProp. */
inline ys::VbpPlan vbpPlanFor(const ys::GraphDesc& g) {
  std::vector<bool> seeds(g.nodes.size(), false), reached(g.nodes.size(), false);
  for (int h : g.heads) seeds[std::size_t(g.nodes[std::size_t(h)].inputs[0])] = reached[std::size_t(g.nodes[std::size_t(h)].inputs[0])] = true;
  for (int i = int(g.nodes.size()) - 1; i >= 0; --i)
    if (reached[std::size_t(i)]) for (int j : g.nodes[std::size_t(i)].inputs) reached[std::size_t(j)] = true;
  ys::VbpPlan plan;
  for (int i = int(g.nodes.size()) - 1; i >= 0; --i) {
    if (!reached[std::size_t(i)]) continue;
    const ys::NodeDesc& nd = g.nodes[std::size_t(i)];
    ys::VbpStep step;
    step.node = i;
    step.h = nd.shape.h;
    step.w = nd.shape.w;
    step.seed = seeds[std::size_t(i)];
    step.multiplyByMean = nd.kind == ys::NodeKind::Activation && nd.activation.kind != ys::Activation::Linear;
    for (int to : nd.inputs) {
      ys::VbpSend send;
      send.to = to;
      const ys::Shape ts = g.nodes[std::size_t(to)].shape;
      if (nd.kind == ys::NodeKind::Conv || nd.kind == ys::NodeKind::MaxPool) {
        send.op.kind = ys::VbpOpKind::OnesTransposedConv;
        send.op.kh = nd.kind == ys::NodeKind::Conv ? nd.conv.kh : nd.maxpool.size;
        send.op.kw = nd.kind == ys::NodeKind::Conv ? nd.conv.kw : nd.maxpool.size;
        send.op.stride = nd.kind == ys::NodeKind::Conv ? nd.conv.stride : nd.maxpool.stride;
        send.op.pads = nd.kind == ys::NodeKind::Conv ? nd.conv.pads : nd.maxpool.pads;
        send.op.inputH = ts.h;
        send.op.inputW = ts.w;
      } else if (nd.kind == ys::NodeKind::Upsample) {
        send.op.kind = ys::VbpOpKind::AveragePool;
        send.op.factor = nd.upsampleFactor;
      }
      step.sends.push_back(send);
    }
    if (step.multiplyByMean) plan.meanNodes.insert(plan.meanNodes.begin(), i);
    plan.steps.push_back(step);
  }
  return plan;
}

/** A test graph with a random batch, its forward and random head gradients: what most tests
 *  run a backward on. */
struct Problem {
  TestGraph graph;
  int n = 2;
  std::vector<double> x;
  Forward fwd;
  std::vector<std::vector<float>> headGrads;

  std::vector<ys::ConstSpan<float>> heads() const {
    std::vector<ys::ConstSpan<float>> v;
    for (const auto& h : headGrads) v.push_back({h.data(), h.size()});
    return v;
  }
};

/** A graph from `build`, a random batch in [0, 1), its forward and random head gradients. */
inline Problem makeProblem(TestGraph (*build)(Rng&, int), std::uint64_t seed, int hw, int n) {
  Rng rng(seed);
  Problem p{build(rng, hw), n, {}, {}, {}};
  p.x.resize(std::size_t(n) * p.graph.shape(0).elements());
  for (auto& v : p.x) v = rng.uniform(0.0f, 1.0f);
  p.fwd = forward(p.graph, n, p.x);
  for (int h : p.graph.desc.heads) p.headGrads.push_back(rng.floats(std::size_t(n) * p.graph.shape(h).elements()));
  return p;
}

inline Problem smallYoloProblem(std::uint64_t seed, int hw = 16, int n = 2) { return makeProblem(smallYolo, seed, hw, n); }
inline Problem smallYoloV4Problem(std::uint64_t seed, int hw = 16, int n = 2) { return makeProblem(smallYoloV4, seed, hw, n); }

/** sum_k <g_k, head_k> of a forward. */
inline double headObjective(const TestGraph& g, const Forward& f, const std::vector<std::vector<float>>& headGrads) {
  double sum = 0;
  for (std::size_t k = 0; k < g.desc.heads.size(); ++k) {
    const auto& h = f.out[std::size_t(g.desc.heads[k])];
    for (std::size_t i = 0; i < h.size(); ++i) sum += double(headGrads[k][i]) * h[i];
  }
  return sum;
}

}  // namespace yst
