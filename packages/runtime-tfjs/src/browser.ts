/**
 * @yolo-saliency/runtime-tfjs/browser: the tfjs runtime for web pages and web workers. It
 * registers tfjs's WebGPU and WebGL backends and makes `auto` choose WebGPU, else WebGL, else
 * wasm, else cpu (Node keeps its own list: import the package root there).
 */
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { useBrowserBackends, type WasmPaths } from './backends.js';
import { registerTfjsRuntime } from './runtime.js';

export * from './index.js';
export { TFJS_BROWSER_BACKENDS, useBrowserBackends } from './backends.js';
export type { WasmPaths } from './backends.js';

export interface BrowserRuntimeOptions {
  /** Where the wasm backend's .wasm files are served (a folder URL, or a URL per file name). */
  wasmPaths?: WasmPaths;
  /** Priority in core's registry (default 10, as in Node). */
  priority?: number;
}

/** Choose from the browser's backends and register the tfjs runtime in core's registry. */
export function registerTfjsBrowserRuntime(options: BrowserRuntimeOptions = {}): void {
  useBrowserBackends({ wasmPaths: options.wasmPaths });
  registerTfjsRuntime(options.priority);
}
