// The whole backward on small YOLO-shaped graphs: the YOLOv3 blocks (conv, leaky, maxpool
// stride 2 and 1, asymmetric pads, relu, upsample, concat, logistic, add with fan-out, linear,
// two heads) and the YOLOv4 family's (mish, swish, grouped and depthwise convs with multipliers
// 1 and 2, channel slices feeding concats, fan-out):
//  - plain: d<g, heads>/d input equals central finite differences of a float64 forward;
//  - stopAt: the same for the output of an inner layer;
//  - guided: equals a reference walk written here from the rule's definition.
#include "check.h"
#include "reference.h"
#include "ys/model.h"

using namespace ys;
using yst::Rng;

namespace {

using Setup = yst::Problem;

Setup makeSetup(std::uint64_t seed) { return yst::smallYoloProblem(seed); }
Setup makeV4Setup(std::uint64_t seed) { return yst::smallYoloV4Problem(seed); }

std::vector<float> nativeBackward(Setup& s, Rule rule, int stopAt, int threads) {
  CpuOptions options;
  options.threads = threads;
  auto model = createCpuModel(s.graph.desc, options);
  std::vector<ConstSpan<float>> heads;
  for (auto& h : s.headGrads) heads.push_back({h.data(), h.size()});
  std::vector<float> out(std::size_t(s.n) * model->shape(stopAt).elements());
  model->backward(s.fwd.tape(), heads, rule, stopAt, {out.data(), out.size()});
  return out;
}

/** Central differences at `samples` random elements of node `at`'s output. */
void checkAgainstFiniteDifferences(Setup& s, int at, const std::vector<float>& grad, int samples, std::uint64_t seed) {
  Rng rng(seed);
  double scale = 1e-12;
  for (float v : grad) scale = std::max(scale, double(std::fabs(v)));
  const double eps = 1e-6;
  int checked = 0;
  for (int k = 0; k < samples; ++k) {
    const std::size_t i = std::size_t(rng.integer(0, int(grad.size()) - 1));
    const auto plus = yst::forward(s.graph, s.n, s.x, {at, i, eps});
    const auto minus = yst::forward(s.graph, s.n, s.x, {at, i, -eps});
    const double fd = (yst::headObjective(s.graph, plus, s.headGrads) - yst::headObjective(s.graph, minus, s.headGrads)) / (2 * eps);
    CHECK_MSG(std::fabs(fd - grad[i]) <= 2e-4 * scale + 1e-6, "node %d element %zu: fd %.8g native %.8g", at, i, fd, double(grad[i]));
    ++checked;
  }
  CHECK(checked == samples);
}

/** Reference backward from the definitions, in double, walking nodes last to first. */
std::vector<double> referenceBackward(const Setup& s, Rule rule) {
  const auto& nodes = s.graph.desc.nodes;
  const int n = s.n;
  std::vector<std::vector<double>> g(nodes.size());
  auto ensure = [&](int j) -> std::vector<double>& {
    auto& v = g[std::size_t(j)];
    if (v.empty()) v.assign(std::size_t(n) * nodes[std::size_t(j)].shape.elements(), 0.0);
    return v;
  };
  for (std::size_t k = 0; k < s.graph.desc.heads.size(); ++k) {
    auto& v = ensure(s.graph.desc.heads[k]);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] += s.headGrads[k][i];
  }
  for (int i = int(nodes.size()) - 1; i > 0; --i) {
    if (g[std::size_t(i)].empty()) continue;
    const auto& nd = nodes[std::size_t(i)];
    const auto& gi = g[std::size_t(i)];
    const ys::Shape os = nd.shape;
    switch (nd.kind) {
      case NodeKind::Conv: {
        const ys::Shape is = nodes[std::size_t(nd.inputs[0])].shape;
        std::vector<float> wt(nd.conv.weights.data, nd.conv.weights.data + nd.conv.weights.size);
        std::vector<float> gf(gi.begin(), gi.end());  // the kernels take float gradients
        const auto dx = yst::naiveConvBackwardData(n, is.c, is.h, is.w, os.c, os.h, os.w, nd.conv.kh, nd.conv.kw,
                                                   nd.conv.stride, nd.conv.pads, wt, gf, nd.conv.groups);
        auto& t = ensure(nd.inputs[0]);
        for (std::size_t k = 0; k < t.size(); ++k) t[k] += dx[k];
        break;
      }
      case NodeKind::Activation: {
        auto& t = ensure(nd.inputs[0]);
        const auto& x = s.fwd.out[std::size_t(nd.inputs[0])];
        const auto& y = s.fwd.out[std::size_t(i)];
        for (std::size_t k = 0; k < t.size(); ++k) {
          double d = gi[k];
          switch (nd.activation.kind) {
            case Activation::Leaky:
              d = rule == Rule::Guided ? (x[k] > 0 ? std::max(d, 0.0) : 0.0) : (x[k] > 0 ? d : d * double(nd.activation.alpha));
              break;
            case Activation::Relu: d = x[k] > 0 ? (rule == Rule::Guided ? std::max(d, 0.0) : d) : 0.0; break;
            case Activation::Logistic: d = d * y[k] * (1 - y[k]); break;
            case Activation::Linear: break;
            case Activation::Mish:
            case Activation::Swish: {
              // Rectifiers: guided max(g, 0) * f'(x) * [x > 0], plain g * f'(x).
              const double f = nd.activation.kind == Activation::Mish ? yst::mishDerivative(x[k]) : yst::swishDerivative(x[k]);
              d = rule == Rule::Guided ? (x[k] > 0 ? std::max(d, 0.0) * f : 0.0) : d * f;
              break;
            }
          }
          t[k] += d;
        }
        break;
      }
      case NodeKind::MaxPool: {
        auto& t = ensure(nd.inputs[0]);
        const ys::Shape is = nodes[std::size_t(nd.inputs[0])].shape;
        for (std::size_t k = 0; k < gi.size(); ++k) {
          t[yst::argmaxFlat(s.fwd.argmax[std::size_t(i)], k, std::size_t(os.h) * os.w, std::size_t(is.h) * is.w)] += gi[k];
        }
        break;
      }
      case NodeKind::Upsample: {
        auto& t = ensure(nd.inputs[0]);
        const int f = nd.upsampleFactor;
        for (int b = 0; b < n * os.c; ++b)
          for (int y = 0; y < os.h; ++y)
            for (int x = 0; x < os.w; ++x)
              t[(std::size_t(b) * (os.h / f) + y / f) * (os.w / f) + x / f] += gi[(std::size_t(b) * os.h + y) * os.w + x];
        break;
      }
      case NodeKind::Concat: {
        const std::size_t hw = std::size_t(os.h) * os.w;
        int c0 = 0;
        for (int j : nd.inputs) {
          auto& t = ensure(j);
          const int cj = nodes[std::size_t(j)].shape.c;
          for (int b = 0; b < n; ++b)
            for (std::size_t k = 0; k < std::size_t(cj) * hw; ++k) t[std::size_t(b) * cj * hw + k] += gi[(std::size_t(b) * os.c + c0) * hw + k];
          c0 += cj;
        }
        break;
      }
      case NodeKind::Slice: {
        auto& t = ensure(nd.inputs[0]);
        const std::size_t hw = std::size_t(os.h) * os.w;
        const int ci = nodes[std::size_t(nd.inputs[0])].shape.c;
        for (int b = 0; b < n; ++b)
          for (std::size_t k = 0; k < std::size_t(os.c) * hw; ++k)
            t[(std::size_t(b) * ci + nd.slice.start) * hw + k] += gi[std::size_t(b) * os.c * hw + k];
        break;
      }
      case NodeKind::Add:
      case NodeKind::Yolo:
        for (int j : nd.inputs) {
          auto& t = ensure(j);
          for (std::size_t k = 0; k < t.size(); ++k) t[k] += gi[k];
        }
        break;
      case NodeKind::Input:
        break;
    }
  }
  return g[0];
}

}  // namespace

int main() {
  return yst::run("test_graph_gradient", {
    {"plain gradient of the input = finite differences", [] {
      Setup s = makeSetup(21);
      const auto grad = nativeBackward(s, Rule::Plain, 0, 2);
      checkAgainstFiniteDifferences(s, 0, grad, 60, 1);
      // and the same as the reference walk everywhere
      CHECK(yst::relError(grad, referenceBackward(s, Rule::Plain)) < 1e-5);
    }},
    {"stopAt an inner layer = finite differences there", [] {
      Setup s = makeSetup(22);
      const int stop = 5;  // the leaky after the keras-style stride-2 conv
      const auto grad = nativeBackward(s, Rule::Plain, stop, 2);
      CHECK(grad.size() == std::size_t(s.n) * s.graph.shape(stop).elements());
      checkAgainstFiniteDifferences(s, stop, grad, 40, 2);
    }},
    {"guided = reference walk; differs from plain", [] {
      Setup s = makeSetup(23);
      const auto guided = nativeBackward(s, Rule::Guided, 0, 3);
      CHECK(yst::relError(guided, referenceBackward(s, Rule::Guided)) < 1e-5);
      CHECK(yst::relError(guided, nativeBackward(s, Rule::Plain, 0, 3)) > 1e-2);
    }},
    {"YOLOv4 blocks: plain gradient of the input = finite differences", [] {
      Setup s = makeV4Setup(31);
      const auto grad = nativeBackward(s, Rule::Plain, 0, 2);
      checkAgainstFiniteDifferences(s, 0, grad, 60, 3);
      CHECK(yst::relError(grad, referenceBackward(s, Rule::Plain)) < 1e-5);
    }},
    {"YOLOv4 blocks: stopAt inner layers = finite differences there", [] {
      Setup s = makeV4Setup(32);
      // The depthwise conv with multiplier 2 (its output), and the input of the first slice.
      for (int stop : {7, 10}) {
        const auto grad = nativeBackward(s, Rule::Plain, stop, 2);
        CHECK(grad.size() == std::size_t(s.n) * s.graph.shape(stop).elements());
        checkAgainstFiniteDifferences(s, stop, grad, 40, 4 + std::uint64_t(stop));
      }
    }},
    {"YOLOv4 blocks: guided = reference walk; differs from plain", [] {
      Setup s = makeV4Setup(33);
      const auto guided = nativeBackward(s, Rule::Guided, 0, 3);
      CHECK(yst::relError(guided, referenceBackward(s, Rule::Guided)) < 1e-5);
      CHECK(yst::relError(guided, nativeBackward(s, Rule::Plain, 0, 3)) > 1e-2);
    }},
    {"YOLOv4 blocks: results identical for 1, 2 and 3 threads", [] {
      Setup s = makeV4Setup(34);
      for (Rule rule : {Rule::Plain, Rule::Guided}) {
        const auto a = nativeBackward(s, rule, 0, 1);
        CHECK(a == nativeBackward(s, rule, 0, 2));
        CHECK(a == nativeBackward(s, rule, 0, 3));
      }
    }},
    {"results identical for 1, 2 and 4 threads", [] {
      Setup s = makeSetup(24);
      const auto a = nativeBackward(s, Rule::Plain, 0, 1);
      CHECK(a == nativeBackward(s, Rule::Plain, 0, 2));
      CHECK(a == nativeBackward(s, Rule::Plain, 0, 4));
    }},
    {"NHWC head gradients in, NHWC gradient out = the NCHW walk transposed", [] {
      Setup s = makeSetup(26);
      auto model = createCpuModel(s.graph.desc, {});
      // [n, c, hw] <-> [n, hw, c]
      auto transpose = [](const std::vector<float>& x, int n, int rows, int cols) {
        std::vector<float> y(x.size());
        for (int b = 0; b < n; ++b)
          for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) y[(std::size_t(b) * cols + c) * rows + r] = x[(std::size_t(b) * rows + r) * cols + c];
        return y;
      };
      std::vector<std::vector<float>> nhwcHeads;
      std::vector<ConstSpan<float>> nchw, nhwc;
      for (std::size_t k = 0; k < s.headGrads.size(); ++k) {
        const Shape hs = s.graph.shape(s.graph.desc.heads[k]);
        nhwcHeads.push_back(transpose(s.headGrads[k], s.n, hs.c, hs.h * hs.w));
      }
      for (std::size_t k = 0; k < s.headGrads.size(); ++k) {
        nchw.push_back({s.headGrads[k].data(), s.headGrads[k].size()});
        nhwc.push_back({nhwcHeads[k].data(), nhwcHeads[k].size()});
      }
      for (int stop : {0, 5}) {
        const Shape os = model->shape(stop);
        std::vector<float> a(std::size_t(s.n) * os.elements()), b(a.size());
        model->backward(s.fwd.tape(), nchw, Rule::Plain, stop, {a.data(), a.size()});
        model->backward(s.fwd.tape(), nhwc, Rule::Plain, stop, {b.data(), b.size()}, Layout::Nhwc);
        CHECK_MSG(transpose(a, s.n, os.c, os.h * os.w) == b, "stopAt %d", stop);
      }
    }},
    {"repeated calls on one model reuse buffers and agree", [] {
      Setup s = makeSetup(25);
      auto model = createCpuModel(s.graph.desc, {});
      std::vector<ConstSpan<float>> heads;
      for (auto& h : s.headGrads) heads.push_back({h.data(), h.size()});
      std::vector<float> a(s.x.size()), b(s.x.size());
      model->backward(s.fwd.tape(), heads, Rule::Guided, 0, {a.data(), a.size()});
      model->backward(s.fwd.tape(), heads, Rule::Plain, 0, {b.data(), b.size()});
      model->backward(s.fwd.tape(), heads, Rule::Guided, 0, {b.data(), b.size()});
      CHECK(a == b);
      CHECK(model->memoryBytes() > 0);
    }},
  });
}
