// One asynchronous call: the arguments were converted into plain structs on the main thread;
// `work` runs on a libuv worker thread touching only those; the result (a float tensor with
// explicit dims) or the error message resolves / rejects a promise back on the main thread.
// Nothing thrown on the worker escapes: every exception becomes the rejection's message,
// prefixed with the call's name.
#pragma once

#include <napi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "convert-tape.h"

namespace ysnode {

struct FloatTensor {
  std::vector<std::int64_t> dims;
  std::vector<float> data;
};

class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<void(FloatTensor&)>;

  /** `pins` keeps the JS arrays the work reads alive until the promise settles. */
  PromiseWorker(Napi::Env env, std::string call, Work work, Pins pins);

  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  Napi::Promise::Deferred deferred_;
  std::string call_;
  Work work_;
  Pins pins_;
  FloatTensor result_;
  std::string errorCode_;
};

/** Float32Array-backed {dims, data} object. */
Napi::Object tensorToJs(Napi::Env env, const FloatTensor& t);

}  // namespace ysnode
