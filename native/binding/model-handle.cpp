#include "model-handle.h"

#include <exception>
#include <utility>

#include "addon-data.h"
#include "convert-tape.h"
#include "js-args.h"
#include "promise-worker.h"
#include "ys/status.h"

namespace ysnode {

namespace {

/** Promise-returning calls report every problem, argument errors included, as a rejection. */
template <typename F>
Napi::Value promiseOrReject(Napi::Env env, const char* call, F&& start) {
  try {
    return start();
  } catch (const Napi::Error& e) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(e.Value());
    return deferred.Promise();
  } catch (const std::exception& e) {
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(Napi::Error::New(env, std::string(call) + ": " + e.what()).Value());
    return deferred.Promise();
  }
}

ys::Layout readLayout(Napi::Env env, Napi::Value v) {
  if (isAbsent(v)) return ys::Layout::Nchw;
  const auto layout = requireString(env, v, "backward: options.layout");
  if (layout == "nchw") return ys::Layout::Nchw;
  if (layout == "nhwc") return ys::Layout::Nhwc;
  throwType(env, "backward: options.layout must be 'nchw' or 'nhwc', got '" + layout + "'");
}

ys::Rule readRule(Napi::Env env, Napi::Value v) {
  const auto rule = requireString(env, v, "backward: options.rule");
  if (rule == "plain") return ys::Rule::Plain;
  if (rule == "guided") return ys::Rule::Guided;
  throwType(env, "backward: options.rule must be 'plain' or 'guided', got '" + rule + "'");
}

}  // namespace

Napi::Function ModelHandle::defineClass(Napi::Env env) {
  return DefineClass(env, "NativeModel",
                     {
                         InstanceMethod<&ModelHandle::backward>("backward"),
                         InstanceMethod<&ModelHandle::visualBackProp>("visualBackProp"),
                         InstanceMethod<&ModelHandle::dispose>("dispose"),
                         InstanceAccessor<&ModelHandle::device>("device"),
                         InstanceAccessor<&ModelHandle::deviceNote>("deviceNote"),
                         InstanceAccessor<&ModelHandle::threads>("threads"),
                         InstanceAccessor<&ModelHandle::cpuCodePath>("cpuCodePath"),
                         InstanceAccessor<&ModelHandle::memoryBytes>("memoryBytes"),
                         InstanceAccessor<&ModelHandle::disposed>("disposed"),
                     });
}

ModelHandle::ModelHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ModelHandle>(info) {
  // Only wrap() may construct: it passes the addon's private token.
  auto* data = info.Env().GetInstanceData<AddonData>();
  if (info.Length() != 1 || !info[0].IsExternal() || info[0].As<Napi::External<AddonData>>().Data() != data) {
    throw Napi::TypeError::New(info.Env(), "NativeModel: use createModel(graph, weights, options)");
  }
}

Napi::Object ModelHandle::wrap(Napi::Env env, std::shared_ptr<ys::Model> model, std::string device, std::string note) {
  auto* data = env.GetInstanceData<AddonData>();
  auto object = data->modelClass.New({Napi::External<AddonData>::New(env, data)});
  auto* self = Unwrap(object);
  self->threads_ = model->threads();
  self->cpuCodePath_ = model->cpuCodePath();
  self->memoryBytes_ = double(model->memoryBytes());
  self->model_ = std::move(model);
  self->device_ = std::move(device);
  self->note_ = std::move(note);
  return object;
}

std::shared_ptr<ys::Model> ModelHandle::live(Napi::Env env, const char* call) const {
  if (!model_) throw Napi::Error::New(env, std::string(call) + ": the model was disposed");
  return model_;
}

Napi::Value ModelHandle::backward(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return promiseOrReject(env, "backward", [&]() -> Napi::Value {
    auto model = live(env, "backward");
    Pins pins;
    auto tape = std::make_shared<ys::TapeView>(readTape(env, info[0], "backward", pins));
    auto grads = readHeadGradients(env, info[1], pins);
    const auto options = requireObject(env, info[2], "backward: options");
    const auto rule = readRule(env, options.Get("rule"));
    const auto layout = readLayout(env, options.Get("layout"));
    int stopAt = 0;
    if (!isAbsent(options.Get("stopAt"))) {
      stopAt = requireInt(env, options.Get("stopAt"), "backward: options.stopAt", 0, model->nodeCount() - 1);
    }
    auto work = [model, tape, grads = std::move(grads), rule, stopAt, layout](FloatTensor& out) {
      const auto s = model->shape(stopAt);
      const std::int64_t n = tape->batch;
      out.dims = layout == ys::Layout::Nhwc ? std::vector<std::int64_t>{n, s.h, s.w, s.c} : std::vector<std::int64_t>{n, s.c, s.h, s.w};
      out.data.assign(std::size_t(tape->batch) * std::size_t(s.elements()), 0.0f);
      model->backward(*tape, grads, rule, stopAt, ys::Span<float>(out.data.data(), out.data.size()), layout);
    };
    auto* worker = new PromiseWorker(env, "backward", std::move(work), std::move(pins));
    auto promise = worker->promise();
    worker->Queue();
    return promise;
  });
}

Napi::Value ModelHandle::visualBackProp(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return promiseOrReject(env, "visualBackProp", [&]() -> Napi::Value {
    auto model = live(env, "visualBackProp");
    auto plan = std::make_shared<ys::VbpPlan>(readVbpPlan(env, info[0], model->nodeCount()));
    Pins pins;
    auto tape = std::make_shared<ys::TapeView>(readTape(env, info[1], "visualBackProp", pins));
    auto work = [model, plan, tape](FloatTensor& out) {
      const auto shape = model->shape(0);
      out.dims = {tape->batch, shape.h, shape.w};
      out.data.assign(std::size_t(tape->batch) * shape.h * shape.w, 0.0f);
      model->visualBackProp(*plan, *tape, ys::Span<float>(out.data.data(), out.data.size()));
    };
    auto* worker = new PromiseWorker(env, "visualBackProp", std::move(work), std::move(pins));
    auto promise = worker->promise();
    worker->Queue();
    return promise;
  });
}

void ModelHandle::dispose(const Napi::CallbackInfo&) { model_.reset(); }

Napi::Value ModelHandle::device(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), device_); }
Napi::Value ModelHandle::deviceNote(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), note_); }
Napi::Value ModelHandle::threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), threads_); }
Napi::Value ModelHandle::cpuCodePath(const Napi::CallbackInfo& info) {
  if (cpuCodePath_ == ys::Isa::Auto) return info.Env().Null();
  return Napi::String::New(info.Env(), ys::isaName(cpuCodePath_));
}
Napi::Value ModelHandle::memoryBytes(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), model_ ? memoryBytes_ : 0);
}
Napi::Value ModelHandle::disposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !model_); }

}  // namespace ysnode
