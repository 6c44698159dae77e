// Argument readers for the N-API layer. They run on the main thread only and throw
// Napi::TypeError with the call and the argument named ("backward: options.rule must be ..."),
// so every message a user sees says which call and which value was wrong.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace ysnode {

[[noreturn]] inline void throwType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

inline Napi::Object requireObject(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsObject() || v.IsArray()) throwType(env, what + " must be an object");
  return v.As<Napi::Object>();
}

inline Napi::Array requireArray(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsArray()) throwType(env, what + " must be an array");
  return v.As<Napi::Array>();
}

/** An integer in [min, max] (JS numbers are doubles: reject fractions and NaN). */
inline int requireInt(Napi::Env env, Napi::Value v, const std::string& what, int min = INT32_MIN,
                      int max = INT32_MAX) {
  if (!v.IsNumber()) throwType(env, what + " must be an integer");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d == static_cast<double>(static_cast<std::int64_t>(d))) || d < min || d > max) {
    throwType(env, what + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                       "], got " + v.ToString().Utf8Value());
  }
  return static_cast<int>(d);
}

inline double requireNumber(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsNumber()) throwType(env, what + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

inline std::string requireString(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsString()) throwType(env, what + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

inline bool requireBool(Napi::Env env, Napi::Value v, const std::string& what) {
  if (!v.IsBoolean()) throwType(env, what + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

inline bool isAbsent(Napi::Value v) { return v.IsUndefined() || v.IsNull(); }

/** A typed array of exactly `type` (e.g. napi_float32_array), named `what` in errors. */
inline Napi::TypedArray requireTypedArray(Napi::Env env, Napi::Value v, napi_typedarray_type type,
                                          const char* typeName, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throwType(env, what + " must be a " + typeName);
  }
  return v.As<Napi::TypedArray>();
}

/** Raw pointer to a typed array's elements (its ArrayBuffer is never moved by V8). */
template <typename T>
inline T* typedArrayData(Napi::TypedArray a) {
  auto buffer = a.ArrayBuffer();
  return reinterpret_cast<T*>(static_cast<std::uint8_t*>(buffer.Data()) + a.ByteOffset());
}

}  // namespace ysnode
