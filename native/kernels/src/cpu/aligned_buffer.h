// A float array aligned to 64 bytes (a cache line, a zmm register), uninitialised.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>

#include "ys/status.h"

namespace ys::cpu {

class AlignedFloats {
 public:
  AlignedFloats() = default;
  explicit AlignedFloats(std::size_t n) { resize(n); }
  ~AlignedFloats() { std::free(data_); }
  AlignedFloats(AlignedFloats&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  AlignedFloats& operator=(AlignedFloats&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  AlignedFloats(const AlignedFloats&) = delete;
  AlignedFloats& operator=(const AlignedFloats&) = delete;

  /** Grows only; contents are not kept. */
  void resize(std::size_t n) {
    if (n <= size_) return;
    std::free(data_);
    data_ = nullptr;
    size_ = 0;
    const std::size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
    data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (!data_) throw Error(ErrorCode::OutOfMemory, "cpu kernels: out of memory allocating " + std::to_string(bytes) + " bytes");
    size_ = n;
  }
  float* data() { return data_; }
  const float* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  float* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace ys::cpu
