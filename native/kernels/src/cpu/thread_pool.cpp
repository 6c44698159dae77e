#include "ys/thread_pool.h"

#include <algorithm>

namespace ys {

ThreadPool::ThreadPool(int threads) {
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  workers_.reserve(std::size_t(threads - 1));
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::runTasks() {
  for (;;) {
    std::int64_t i;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (next_ >= count_ || error_) return;
      i = next_++;
    }
    try {
      (*task_)(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }
}

void ThreadPool::workerLoop() {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    runTasks();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--active_ == 0) done_.notify_all();
    }
  }
}

void ThreadPool::parallelFor(std::int64_t count, const std::function<void(std::int64_t)>& task) {
  if (count <= 0) return;
  if (workers_.empty() || count == 1) {
    for (std::int64_t i = 0; i < count; ++i) task(i);
    return;
  }
  std::lock_guard<std::mutex> call(callMutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    count_ = count;
    next_ = 0;
    error_ = nullptr;
    active_ = int(workers_.size());
    ++generation_;
  }
  wake_.notify_all();
  runTasks();
  std::exception_ptr error;
  {
    // Every worker takes part in every generation, so none can still be reading task_.
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return active_ == 0; });
    task_ = nullptr;
    count_ = 0;
    error = error_;
    error_ = nullptr;
  }
  if (error) std::rethrow_exception(error);
}

void ThreadPool::parallelRange(std::int64_t total, std::int64_t grain,
                               const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (total <= 0) return;
  grain = std::max<std::int64_t>(grain, 1);
  const std::int64_t wanted = std::int64_t(threads()) * 4;
  const std::int64_t chunk = std::max(grain, (total + wanted - 1) / wanted);
  const std::int64_t chunks = (total + chunk - 1) / chunk;
  parallelFor(chunks, [&](std::int64_t k) {
    const std::int64_t begin = k * chunk;
    body(begin, std::min(total, begin + chunk));
  });
}

}  // namespace ys
