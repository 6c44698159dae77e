// The JS object returned by createModel: an opaque handle on a ys::Model (weights on the host
// or the GPU). dispose() frees it at once; the finalizer is only the safety net. Calls in
// flight hold their own reference, so disposing during a call is safe: the model is freed
// when the last call finishes.
#pragma once

#include <napi.h>

#include <memory>
#include <string>

#include "ys/model.h"

namespace ysnode {

class ModelHandle : public Napi::ObjectWrap<ModelHandle> {
 public:
  static Napi::Function defineClass(Napi::Env env);
  /** A new handle owning `model` (the constructor itself is not callable from JS). */
  static Napi::Object wrap(Napi::Env env, std::shared_ptr<ys::Model> model, std::string device, std::string note);

  explicit ModelHandle(const Napi::CallbackInfo& info);

 private:
  Napi::Value backward(const Napi::CallbackInfo& info);
  Napi::Value visualBackProp(const Napi::CallbackInfo& info);
  void dispose(const Napi::CallbackInfo& info);
  Napi::Value device(const Napi::CallbackInfo& info);
  Napi::Value deviceNote(const Napi::CallbackInfo& info);
  Napi::Value threads(const Napi::CallbackInfo& info);
  Napi::Value cpuCodePath(const Napi::CallbackInfo& info);
  Napi::Value memoryBytes(const Napi::CallbackInfo& info);
  Napi::Value disposed(const Napi::CallbackInfo& info);

  /** The model, or a throw naming `call` when disposed. */
  std::shared_ptr<ys::Model> live(Napi::Env env, const char* call) const;

  std::shared_ptr<ys::Model> model_;
  std::string device_;
  std::string note_;
  int threads_ = 0;
  ys::Isa cpuCodePath_ = ys::Isa::Auto;
  double memoryBytes_ = 0;
};

}  // namespace ysnode
