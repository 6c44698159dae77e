#include "ys/graph.h"
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

const char* nodeKindName(NodeKind kind) noexcept {
  switch (kind) {
    case NodeKind::Input: return "input";
    case NodeKind::Conv: return "conv";
    case NodeKind::Activation: return "activation";
    case NodeKind::MaxPool: return "maxpool";
    case NodeKind::Upsample: return "upsample";
    case NodeKind::Concat: return "concat";
    case NodeKind::Add: return "add";
    case NodeKind::Yolo: return "yolo";
  }
  return "?";
}

}  // namespace ys
