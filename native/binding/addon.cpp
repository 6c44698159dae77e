// Module entry: buildInfo(), deviceCount(), selectDevice(), createModel(). The shape of
// everything exported here is src/binding-types.ts (NativeAddon); keep the two in step.
#include <napi.h>

#include <exception>
#include <new>
#include <sstream>
#include <string>

#include "addon-data.h"
#include "convert-graph.h"
#include "device-select.h"
#include "error-codes.h"
#include "js-args.h"
#include "model-handle.h"
#include "ys/build_info.h"
#include "ys/isa.h"
#include "ys/status.h"

#ifndef YS_ADDON_VERSION
#define YS_ADDON_VERSION "0.0.0"
#endif
#ifndef YS_CUDA_ARCHITECTURES
#define YS_CUDA_ARCHITECTURES ""
#endif

namespace ysnode {

namespace {

Napi::Array splitList(Napi::Env env, const std::string& list, char separator) {
  auto out = Napi::Array::New(env);
  std::stringstream stream(list);
  std::string item;
  uint32_t i = 0;
  while (std::getline(stream, item, separator)) {
    if (!item.empty()) out.Set(i++, Napi::String::New(env, item));
  }
  return out;
}

/** Errors of synchronous calls: ys::Error keeps its code; everything else is internal. */
[[noreturn]] void rethrowAsJs(Napi::Env env, const char* call) {
  try {
    throw;
  } catch (const Napi::Error&) {
    throw;
  } catch (const ys::Error& e) {
    const std::string message = e.what();
    auto error = Napi::Error::New(env, message.rfind(call, 0) == 0 ? message : std::string(call) + ": " + message);
    error.Set("code", Napi::String::New(env, jsErrorCode(e.code())));
    throw error;
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, std::string(call) + ": out of memory");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string(call) + ": " + e.what());
  }
}

Napi::Value buildInfo(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  try {
    const auto b = ys::buildInfo();
    auto cuda = Napi::Object::New(env);
    cuda.Set("compiled", Napi::Boolean::New(env, cudaCompiled()));
    cuda.Set("version", Napi::String::New(env, cudaToolkitVersion()));
    cuda.Set("architectures", splitList(env, cudaCompiled() ? YS_CUDA_ARCHITECTURES : "", ','));
    cuda.Set("driverVersion", Napi::String::New(env, cudaDriverVersion()));
    auto cpu = Napi::Object::New(env);
    cpu.Set("featuresDetected", splitList(env, b.cpuFeaturesDetected, ','));
    cpu.Set("codePath", Napi::String::New(env, b.cpuCodePath));
    cpu.Set("codePathsCompiled", splitList(env, b.cpuCodePathsCompiled, ','));
    cpu.Set("codePathsAvailable", splitList(env, b.cpuCodePathsAvailable, ','));
    auto out = Napi::Object::New(env);
    out.Set("version", Napi::String::New(env, YS_ADDON_VERSION));
    out.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
    out.Set("compiler", Napi::String::New(env, b.compiler));
    out.Set("cuda", cuda);
    out.Set("cpu", cpu);
    out.Set("threads", Napi::Number::New(env, b.defaultThreads));
    return out;
  } catch (...) {
    rethrowAsJs(env, "buildInfo");
  }
}

Napi::Value deviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), cudaDeviceCount());
}

std::string readDevice(Napi::Env env, Napi::Value v, const std::string& what) {
  if (isAbsent(v)) return "auto";
  const std::string device = requireString(env, v, what);
  if (device != "auto" && device != "cpu" && device != "cuda") {
    throwType(env, what + " must be 'auto', 'cpu' or 'cuda', got '" + device + "'");
  }
  return device;
}

int readDeviceIndex(Napi::Env env, Napi::Value v, const std::string& what) {
  return isAbsent(v) ? 0 : requireInt(env, v, what, 0, 1024);
}

/** The device createModel would use, or why the one asked for cannot be: {ok, device, note} or
 *  {ok: false, reason, code}. Only bad arguments throw. */
Napi::Value selectDevice(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  try {
    const std::string device = readDevice(env, info[0], "selectDevice: device");
    const int deviceIndex = readDeviceIndex(env, info[1], "selectDevice: deviceIndex");
    auto out = Napi::Object::New(env);
    try {
      const DeviceChoice choice = chooseDevice(device, deviceIndex);
      out.Set("ok", Napi::Boolean::New(env, true));
      out.Set("device", Napi::String::New(env, choice.device));
      out.Set("note", Napi::String::New(env, choice.note));
    } catch (const ys::Error& e) {
      out.Set("ok", Napi::Boolean::New(env, false));
      out.Set("reason", Napi::String::New(env, e.what()));
      out.Set("code", Napi::String::New(env, jsErrorCode(e.code())));
    }
    return out;
  } catch (...) {
    rethrowAsJs(env, "selectDevice");
  }
}

Napi::Value createModel(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  try {
    auto graph = readGraphDesc(env, info[0], info[1]);
    std::string device = "auto";
    int threads = 0;
    int deviceIndex = 0;
    ys::Isa isa = ys::Isa::Auto;
    if (!isAbsent(info[2])) {
      const auto options = requireObject(env, info[2], "createModel: options");
      device = readDevice(env, options.Get("device"), "createModel: options.device");
      if (!isAbsent(options.Get("threads"))) threads = requireInt(env, options.Get("threads"), "createModel: options.threads", 0, 1024);
      deviceIndex = readDeviceIndex(env, options.Get("deviceIndex"), "createModel: options.deviceIndex");
      if (!isAbsent(options.Get("isa"))) {
        const std::string name = requireString(env, options.Get("isa"), "createModel: options.isa");
        if (!ys::parseIsa(name, isa)) {
          std::string names = "'auto'";
          for (ys::Isa each : ys::allIsas()) names += std::string(", '") + ys::isaName(each) + "'";
          throwType(env, "createModel: options.isa must be one of " + names + ", got '" + name + "'");
        }
        if (isa != ys::Isa::Auto && device == "cuda") {
          throwType(env, "createModel: options.isa chooses a CPU code path; device 'cuda' takes none");
        }
      }
    }
    auto selected = createModelOn(graph, device, threads, deviceIndex, isa);
    return ModelHandle::wrap(env, std::move(selected.model), std::move(selected.choice.device), std::move(selected.choice.note));
  } catch (...) {
    rethrowAsJs(env, "createModel");
  }
}

}  // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);  // deleted by node-addon-api when the env goes
  data->modelClass = Napi::Persistent(ModelHandle::defineClass(env));
  exports.Set("buildInfo", Napi::Function::New<buildInfo>(env, "buildInfo"));
  exports.Set("deviceCount", Napi::Function::New<deviceCount>(env, "deviceCount"));
  exports.Set("selectDevice", Napi::Function::New<selectDevice>(env, "selectDevice"));
  exports.Set("createModel", Napi::Function::New<createModel>(env, "createModel"));
  return exports;
}

}  // namespace ysnode

// The macro pastes its argument into an identifier: it needs an unqualified name.
static Napi::Object InitYoloSaliency(Napi::Env env, Napi::Object exports) { return ysnode::init(env, exports); }
NODE_API_MODULE(yolo_saliency, InitYoloSaliency)
