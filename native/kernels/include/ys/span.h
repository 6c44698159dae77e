// Pointer + element count. The library never owns caller memory: every buffer crossing the
// API is a span, and its size is checked against the model before any kernel runs.
#pragma once

#include <cstddef>

namespace ys {

template <typename T>
struct Span {
  T* data = nullptr;
  std::size_t size = 0;

  Span() = default;
  Span(T* d, std::size_t n) : data(d), size(n) {}
  bool empty() const { return data == nullptr; }
};

template <typename T>
using ConstSpan = Span<const T>;

}  // namespace ys
