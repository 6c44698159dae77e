// A small fixed pool of std::threads. The only shared state of the library: a Model owns
// one, or several models share one through CpuOptions::pool.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ys {

class ThreadPool {
 public:
  /** threads <= 0: std::thread::hardware_concurrency() (at least 1). The calling thread
   *  counts as one: a pool of T threads starts T - 1 workers. */
  explicit ThreadPool(int threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return int(workers_.size()) + 1; }

  /** Runs task(i) for every i in [0, count) on the pool and the calling thread (dynamic
   *  scheduling), and returns when all are done. The first exception a task throws is
   *  rethrown here after the others finished; later tasks are skipped. Calls from several
   *  threads are serialised (one parallel region at a time); a task must not call
   *  parallelFor on the same pool. */
  void parallelFor(std::int64_t count, const std::function<void(std::int64_t)>& task);

  /** [0, total) cut into chunks of at least `grain` items (about 4 per thread);
   *  body(begin, end) per chunk. */
  void parallelRange(std::int64_t total, std::int64_t grain,
                     const std::function<void(std::int64_t, std::int64_t)>& body);

 private:
  void workerLoop();
  void runTasks();

  std::vector<std::thread> workers_;
  std::mutex callMutex_;  // one parallelFor at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(std::int64_t)>* task_ = nullptr;
  std::int64_t count_ = 0;
  std::int64_t next_ = 0;     // next task index (guarded by mutex_)
  int active_ = 0;            // workers inside the current job
  std::uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace ys
