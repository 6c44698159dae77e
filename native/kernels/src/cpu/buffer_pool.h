// Recycles the large float buffers of backward/VBP calls between calls, so a model does
// not fault in hundreds of MB of fresh pages on every call. Best fit by capacity.
#pragma once

#include <cstddef>
#include <vector>

#include "cpu/aligned_buffer.h"

namespace ys::cpu {

class BufferPool {
 public:
  /** A buffer of at least n floats (uninitialised). */
  AlignedFloats take(std::size_t n) {
    std::size_t best = free_.size();
    for (std::size_t i = 0; i < free_.size(); ++i) {
      if (free_[i].size() >= n && (best == free_.size() || free_[i].size() < free_[best].size())) best = i;
    }
    if (best == free_.size()) return AlignedFloats(n);
    AlignedFloats out = std::move(free_[best]);
    free_.erase(free_.begin() + std::ptrdiff_t(best));
    return out;
  }
  void give(AlignedFloats&& b) {
    if (b.size()) free_.push_back(std::move(b));
  }
  std::size_t bytes() const {
    std::size_t total = 0;
    for (const auto& b : free_) total += b.size() * sizeof(float);
    return total;
  }
  void clear() { free_.clear(); }

 private:
  std::vector<AlignedFloats> free_;
};

}  // namespace ys::cpu
