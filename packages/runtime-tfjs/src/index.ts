// Public API of @yolo-saliency/runtime-tfjs.
export { createTfjsRuntime, registerTfjsRuntime, TFJS_RUNTIME_NAME } from './runtime.js';
export { listTfjsBackends, selectTfjsBackend, TFJS_BACKENDS } from './backends.js';
export type { TfjsBackendName, TfjsBackendStatus, SelectedBackend } from './backends.js';
export { oihwToHwio } from './weights.js';
export { TFJS_ACTIVATIONS } from './activations.js';
export type { TfjsActivation } from './activations.js';
