#include "promise-worker.h"

#include <cstring>
#include <exception>
#include <new>
#include <utility>

#include "error-codes.h"
#include "ys/status.h"

namespace ysnode {

PromiseWorker::PromiseWorker(Napi::Env env, std::string call, Work work, Pins pins)
    : Napi::AsyncWorker(env, "yolo-saliency"),
      deferred_(Napi::Promise::Deferred::New(env)),
      call_(std::move(call)),
      work_(std::move(work)),
      pins_(std::move(pins)) {}

void PromiseWorker::Execute() {
  // Worker thread: no N-API here, and nothing may escape (it would terminate the process).
  try {
    work_(result_);
  } catch (const ys::Error& e) {
    // The kernel library names the call itself ("backward: layer ..."); other messages get it here.
    const std::string message = e.what();
    errorCode_ = jsErrorCode(e.code());
    SetError(message.rfind(call_ + ": ", 0) == 0 ? message : call_ + ": " + message);
  } catch (const std::bad_alloc&) {
    errorCode_ = "YS_OUT_OF_MEMORY";
    SetError(call_ + ": out of memory");
  } catch (const std::exception& e) {
    errorCode_ = "YS_INTERNAL";
    SetError(call_ + ": " + e.what());
  } catch (...) {
    errorCode_ = "YS_INTERNAL";
    SetError(call_ + ": unknown native error");
  }
}

void PromiseWorker::OnOK() {
  Napi::HandleScope scope(Env());
  try {
    deferred_.Resolve(tensorToJs(Env(), result_));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  }
}

void PromiseWorker::OnError(const Napi::Error& error) {
  Napi::HandleScope scope(Env());
  auto value = error.Value();
  if (!errorCode_.empty()) value.Set("code", Napi::String::New(Env(), errorCode_));
  deferred_.Reject(value);
}

Napi::Object tensorToJs(Napi::Env env, const FloatTensor& t) {
  auto dims = Napi::Array::New(env, t.dims.size());
  for (std::size_t i = 0; i < t.dims.size(); i++) dims.Set(uint32_t(i), Napi::Number::New(env, double(t.dims[i])));
  auto data = Napi::Float32Array::New(env, t.data.size());
  if (!t.data.empty()) std::memcpy(data.Data(), t.data.data(), t.data.size() * sizeof(float));
  auto out = Napi::Object::New(env);
  out.Set("dims", dims);
  out.Set("data", data);
  return out;
}

}  // namespace ysnode
