// Minimal test harness: CHECK macros that count failures, a seeded RNG, and comparisons.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace yst {

inline int& failures() {
  static int f = 0;
  return f;
}

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++yst::failures();                                                     \
    }                                                                        \
  } while (0)

#define CHECK_MSG(cond, ...)                                                 \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                     \
      std::fprintf(stderr, "\n");                                            \
      ++yst::failures();                                                     \
    }                                                                        \
  } while (0)

struct Rng {
  std::mt19937_64 gen;
  explicit Rng(std::uint64_t seed) : gen(seed) {}
  float uniform(float lo = -1.0f, float hi = 1.0f) { return std::uniform_real_distribution<float>(lo, hi)(gen); }
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
  std::vector<float> floats(std::size_t n, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> v(n);
    for (auto& x : v) x = uniform(lo, hi);
    return v;
  }
};

/** max |a - b| / max(1, max |b|): errors relative to the reference's scale. */
template <typename A, typename B>
double relError(const std::vector<A>& a, const std::vector<B>& b) {
  if (a.size() != b.size()) return INFINITY;
  double maxDiff = 0, scale = 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    maxDiff = std::fmax(maxDiff, std::fabs(double(a[i]) - double(b[i])));
    scale = std::fmax(scale, std::fabs(double(b[i])));
  }
  return maxDiff / scale;
}

inline int run(const char* name, const std::vector<std::pair<const char*, std::function<void()>>>& cases) {
  for (const auto& [caseName, fn] : cases) {
    const int before = failures();
    try {
      fn();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: unexpected exception: %s\n", caseName, e.what());
      ++failures();
    }
    std::printf("%-48s %s\n", caseName, failures() == before ? "ok" : "FAILED");
  }
  std::printf("%s: %d failure(s)\n", name, failures());
  return failures() == 0 ? 0 : 1;
}

}  // namespace yst
