// Per-environment state of the addon (worker_threads each get their own).
#pragma once

#include <napi.h>

namespace ysnode {

struct AddonData {
  Napi::FunctionReference modelClass;
};

}  // namespace ysnode
