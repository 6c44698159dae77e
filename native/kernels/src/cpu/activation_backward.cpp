// Activation backward from what the forward recorded (sign bytes, the logistic output, the
// mish/swish input). Elementwise, so chunks of the flat array run in parallel. Every rule is the
// shared elementwise function of common/activation_math.h (the CUDA twins call the same ones);
// leaky, relu and logistic loops are branch-free and vectorise here, mish and swish (an exp
// each) run on the model's ISA path (isa_kernels.h).
#include <cstdint>

#include "common/activation_math.h"
#include "cpu/isa_kernels.h"
#include "ys/cpu_kernels.h"

namespace ys::cpu {

namespace {
constexpr std::int64_t kGrain = 1 << 14;

template <typename F>
void apply(ThreadPool& pool, std::int64_t count, float* dx, bool accumulate, F value) {
  pool.parallelRange(count, kGrain, [&](std::int64_t b, std::int64_t e) {
    if (accumulate) {
      for (std::int64_t i = b; i < e; ++i) dx[i] += value(i);
    } else {
      for (std::int64_t i = b; i < e; ++i) dx[i] = value(i);
    }
  });
}
}  // namespace

void activationBackward(Exec exec, const ActivationParams& act, Rule rule, std::int64_t count, const float* g,
                        const ActivationSaved& saved, float* dx, bool accumulate) {
  ThreadPool& pool = exec.pool;
  const bool guided = rule == Rule::Guided;
  const std::uint8_t* signs = saved.signs;
  switch (act.kind) {
    case Activation::Linear:
      apply(pool, count, dx, accumulate, [&](std::int64_t i) { return g[i]; });
      return;
    case Activation::Logistic: {
      const float* s = saved.output;
      apply(pool, count, dx, accumulate, [&](std::int64_t i) { return common::logisticGradient(g[i], s[i]); });
      return;
    }
    // The rule is a constant inside each loop (no branch per element).
    case Activation::Relu:
      if (guided) apply(pool, count, dx, accumulate, [&](std::int64_t i) { return common::reluGradient(true, g[i], signs[i]); });
      else apply(pool, count, dx, accumulate, [&](std::int64_t i) { return common::reluGradient(false, g[i], signs[i]); });
      return;
    case Activation::Leaky: {
      const float alpha = act.alpha;
      if (guided) {
        apply(pool, count, dx, accumulate, [&](std::int64_t i) { return common::leakyGradient(true, g[i], signs[i], alpha); });
      } else {
        apply(pool, count, dx, accumulate, [&](std::int64_t i) { return common::leakyGradient(false, g[i], signs[i], alpha); });
      }
      return;
    }
    case Activation::Mish:
    case Activation::Swish: {
      const IsaKernels& k = kernelsFor(exec.isa);
      const SmoothRectifier kind = act.kind == Activation::Mish ? SmoothRectifier::Mish : SmoothRectifier::Swish;
      const float* x = saved.input;
      pool.parallelRange(count, kGrain, [&](std::int64_t b, std::int64_t e) {
        k.smoothRectifier(kind, guided, e - b, g + b, x + b, dx + b, accumulate);
      });
      return;
    }
  }
}

}  // namespace ys::cpu
