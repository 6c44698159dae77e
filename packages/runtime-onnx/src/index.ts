// Public API of @yolo-saliency/runtime-onnx.
export { createOnnxRuntime, registerOnnxRuntime, ONNX_RUNTIME_NAME, ONNX_BACKENDS } from './runtime.js';
export { listOnnxBackends, type OnnxBackendStatus } from './backends.js';
export { createNativeModel, NativeModel, type CreateNativeModelOptions, type NativeModelBackwardOptions } from './native-model.js';
export { toNativeGraph, type NativeGraph } from './native-graph.js';
