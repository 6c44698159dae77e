// Errors of the kernel library. Every failure a caller can cause (bad graph, tape that does
// not match the model, wrong buffer sizes) is thrown as ys::Error with a one-line message
// naming the call and the layer; nothing in the library calls abort() or exit(). Exceptions
// raised on pool threads are carried back to the calling thread, so a binding only needs
// one try/catch around each call.
#pragma once

#include <stdexcept>
#include <string>

namespace ys {

enum class ErrorCode {
  InvalidArgument,  // a value the caller passed is out of range (threads < 0, stopAt, ...)
  InvalidGraph,     // the GraphDesc is inconsistent (shapes, inputs, weights)
  TapeMismatch,     // the tape or head gradients do not match the model (missing, wrong size)
  OutOfMemory,      // an allocation failed
  Unsupported,      // asked for something this build cannot do (e.g. an ISA the CPU lacks)
  Internal,         // a bug in the library
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

/** Name of an error code ("InvalidArgument", ...), for bindings that expose it. */
const char* errorCodeName(ErrorCode code) noexcept;

}  // namespace ys
