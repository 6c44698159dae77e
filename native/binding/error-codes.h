// ys::ErrorCode -> the `code` property of the JS Error ("YS_TAPE_MISMATCH", ...), so callers
// can tell a bad argument from a device failure without parsing messages.
#pragma once

#include "ys/status.h"

namespace ysnode {

inline const char* jsErrorCode(ys::ErrorCode code) {
  switch (code) {
    case ys::ErrorCode::InvalidArgument: return "YS_INVALID_ARGUMENT";
    case ys::ErrorCode::InvalidGraph: return "YS_INVALID_GRAPH";
    case ys::ErrorCode::TapeMismatch: return "YS_TAPE_MISMATCH";
    case ys::ErrorCode::OutOfMemory: return "YS_OUT_OF_MEMORY";
    case ys::ErrorCode::Unsupported: return "YS_UNSUPPORTED";
    case ys::ErrorCode::Internal: return "YS_INTERNAL";
  }
  return "YS_INTERNAL";
}

}  // namespace ysnode
