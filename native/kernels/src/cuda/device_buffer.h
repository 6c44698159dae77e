// Device memory with an owner: freed in the destructor (errors there are ignored: a
// destructor must not throw, and the context may already be gone at process exit).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <map>
#include <utility>
#include <vector>

#include "cuda_check.h"

namespace ys::cuda {

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
    if (bytes) YS_CUDA_CHECK(cudaMalloc(&ptr_, bytes));
  }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      if (ptr_) cudaFree(ptr_);
      ptr_ = std::exchange(o.ptr_, nullptr);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  template <typename T = float>
  T* as() const { return static_cast<T*>(ptr_); }
  std::size_t bytes() const { return bytes_; }
  explicit operator bool() const { return ptr_ != nullptr; }

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

/** Buffers kept between calls, by exact size (a model asks for the same sizes every call). */
class DeviceBufferPool {
 public:
  DeviceBuffer take(std::size_t bytes) {
    auto it = free_.find(bytes);
    if (it != free_.end() && !it->second.empty()) {
      DeviceBuffer b = std::move(it->second.back());
      it->second.pop_back();
      return b;
    }
    return DeviceBuffer(bytes);
  }
  void give(DeviceBuffer b) {
    if (b) free_[b.bytes()].push_back(std::move(b));
  }
  std::size_t bytes() const {
    std::size_t total = 0;
    for (const auto& [size, list] : free_) total += size * list.size();
    return total;
  }

 private:
  std::map<std::size_t, std::vector<DeviceBuffer>> free_;
};

/** Host -> device copy into a pooled buffer. */
template <typename T>
DeviceBuffer upload(DeviceBufferPool& pool, const T* data, std::size_t count, cudaStream_t stream) {
  DeviceBuffer b = pool.take(count * sizeof(T));
  if (count) YS_CUDA_CHECK(cudaMemcpyAsync(b.as<T>(), data, count * sizeof(T), cudaMemcpyHostToDevice, stream));
  return b;
}

}  // namespace ys::cuda
