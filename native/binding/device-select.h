// `device: auto | cpu | cuda` -> a ys::Model. 'auto' takes CUDA when it was compiled in and a
// device is usable, else the CPU with one note saying why; 'cuda' where there is none is an
// error saying so. Runs on the main thread (model creation copies / uploads the weights).
#pragma once

#include <memory>
#include <string>

#include "ys/graph.h"
#include "ys/model.h"

namespace ysnode {

struct SelectedModel {
  std::shared_ptr<ys::Model> model;
  /** "cpu" or "cuda:<ordinal>". */
  std::string device;
  /** Why 'auto' fell back to the CPU; empty otherwise. */
  std::string note;
};

/** Throws ys::Error (or std::exception) with a message starting with "createModel: ". */
SelectedModel createModelOn(const ys::GraphDesc& graph, const std::string& device, int threads, int deviceIndex);

/** CUDA devices usable now; 0 without CUDA support, a driver or a GPU. Never throws. */
int cudaDeviceCount() noexcept;

/** Whether this build has the CUDA path, and its toolkit version ("" when not). */
bool cudaCompiled() noexcept;
std::string cudaToolkitVersion();
/** Driver's CUDA version ("" when no driver or no CUDA build). */
std::string cudaDriverVersion();

}  // namespace ysnode
