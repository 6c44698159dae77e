// Names and parameter reading of the node kinds, from their modules.
#include "nodes/registry.h"

#include <string>

namespace ys {

const char* nodeKindName(NodeKind kind) noexcept {
  const char* name = "?";
  nodes::forEachKind([&](auto k) {
    if (decltype(k)::kind == kind) name = decltype(k)::name;
  });
  return name;
}

bool parseNodeKind(const std::string& name, NodeKind& out) noexcept {
  bool found = false;
  nodes::forEachKind([&](auto k) {
    if (!found && name == decltype(k)::name) {
      out = decltype(k)::kind;
      found = true;
    }
  });
  return found;
}

std::string nodeKindNames() {
  std::string out;
  nodes::forEachKind([&](auto k) { out += (out.empty() ? "" : ", ") + std::string(decltype(k)::name); });
  return out;
}

void readNodeParams(NodeFields& fields, NodeDesc& node) {
  nodes::withKind(node.kind, [&](auto k) { decltype(k)::read(fields, node); });
}

}  // namespace ys
