// `device: auto | cpu | cuda` -> where a model computes, decided here and only here (the
// runtime asks selectDevice() instead of repeating the rule). 'auto' takes CUDA when it was
// compiled in and a device is usable, else the CPU with one note saying why; 'cuda' where
// there is none is an error saying so. Runs on the main thread (model creation copies /
// uploads the weights).
#pragma once

#include <memory>
#include <string>

#include "ys/graph.h"
#include "ys/isa.h"
#include "ys/model.h"

namespace ysnode {

struct DeviceChoice {
  /** "cpu" or "cuda:<ordinal>". */
  std::string device;
  /** Why 'auto' chose the CPU; empty otherwise. */
  std::string note;
};

/** The decision alone, without a model. Throws ys::Error (a message without the call's name)
 *  for 'cuda' where no device is usable and for a device index that does not exist. */
DeviceChoice chooseDevice(const std::string& device, int deviceIndex);

struct SelectedModel {
  std::shared_ptr<ys::Model> model;
  DeviceChoice choice;
};

/** chooseDevice, then the model there; 'auto' falls back to the CPU (with a note) when the
 *  CUDA model cannot be created for a reason other than the graph. `isa` applies on the CPU. */
SelectedModel createModelOn(const ys::GraphDesc& graph, const std::string& device, int threads, int deviceIndex, ys::Isa isa);

/** CUDA devices usable now; 0 without CUDA support, a driver or a GPU. Never throws. */
int cudaDeviceCount() noexcept;

/** Whether this build has the CUDA path, and its toolkit version ("" when not). */
bool cudaCompiled() noexcept;
std::string cudaToolkitVersion();
/** Driver's CUDA version ("" when no driver or no CUDA build). */
std::string cudaDriverVersion();

}  // namespace ysnode
