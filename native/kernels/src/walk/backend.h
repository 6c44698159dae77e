// What a device gives the graph walk: kernels and buffers. The walk (backward.h,
// visual_backprop.h) is written once; a backend is a class with
//
//   using Buffer                        memory of the device (host floats, device floats)
//   Buffer take(std::size_t floats)     at least `floats` floats, uninitialised, from a pool
//   void give(Buffer&&)                 back to the pool (may still be read by queued work on
//                                       the same in-order stream: only later work reuses it)
//   static float* data(Buffer&)
//   exec()                              the executor every plain kernel takes first: cpu::Exec
//                                       (a thread pool) or cuda::kernels::Stream. The walk and
//                                       the node modules call kernels unqualified with it, and
//                                       argument-dependent lookup picks the device's family
//                                       (ys/cpu_kernels.h, src/cuda/cuda_kernels.h): one
//                                       kernel per backend, no per-backend walk code
//   const T* read(ConstSpan<T>)         caller (host) memory -> memory the kernels can read
//                                       (the span itself, or an upload kept until finish)
//   prepareConv(node, geometry, oihw)   once per conv at model creation (its own weight format)
//   convBackwardData(node, n, dy, dx, accumulate)
//   maxpoolBackward(node, n, c, h, w, oh, ow, g, argmax, dx, accumulate, layerName)
//                                       a bad argmax is reported naming the layer, at once or
//                                       at finish()
//   store(out, src, n, c, hw, layout)   the walk's NCHW result into caller memory, as `layout`
//   begin() / finish()                  around each call: finish() waits for the device (the one
//                                       synchronisation of a call) and reports deferred errors
//   memoryBytes(), device(), threads(), cpuCodePath()   for Model
#pragma once
