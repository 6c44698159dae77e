#include "ys/status.h"

namespace ys {

const char* errorCodeName(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::InvalidArgument: return "InvalidArgument";
    case ErrorCode::InvalidGraph: return "InvalidGraph";
    case ErrorCode::TapeMismatch: return "TapeMismatch";
    case ErrorCode::OutOfMemory: return "OutOfMemory";
    case ErrorCode::Unsupported: return "Unsupported";
    case ErrorCode::Internal: return "Internal";
  }
  return "Unknown";
}

}  // namespace ys
