// Public API of @yolo-saliency/runtime-onnx.
export { createOnnxRuntime, registerOnnxRuntime, ONNX_RUNTIME_NAME, ONNX_BACKENDS } from './runtime.js';
export { listOnnxBackends, type OnnxBackendStatus } from './backends.js';
