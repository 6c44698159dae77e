// Activation backward from what the forward recorded (sign bytes or the logistic output).
// Elementwise, so chunks of the flat array run in parallel; loops are branch-free so the
// compiler vectorises them.
#include <cstdint>

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
                        const std::uint8_t* signs, const float* logistic, float* dx, bool accumulate) {
  ThreadPool& pool = exec.pool;
  switch (act.kind) {
    case Activation::Linear:
      apply(pool, count, dx, accumulate, [&](std::int64_t i) { return g[i]; });
      return;
    case Activation::Logistic:
      apply(pool, count, dx, accumulate, [&](std::int64_t i) { return g[i] * (logistic[i] * (1.0f - logistic[i])); });
      return;
    case Activation::Leaky:
    case Activation::Relu:
      break;
  }
  if (rule == Rule::Guided) {
    apply(pool, count, dx, accumulate, [&](std::int64_t i) { return signs[i] && g[i] > 0.0f ? g[i] : 0.0f; });
  } else if (act.kind == Activation::Relu) {
    apply(pool, count, dx, accumulate, [&](std::int64_t i) { return signs[i] ? g[i] : 0.0f; });
  } else {
    const float alpha = act.alpha;
    apply(pool, count, dx, accumulate, [&](std::int64_t i) { return signs[i] ? g[i] : g[i] * alpha; });
  }
}

}  // namespace ys::cpu
