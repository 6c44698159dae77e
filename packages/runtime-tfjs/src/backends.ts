/**
 * Which TensorFlow.js backend computes: in Node, the native TensorFlow bindings when the user
 * has installed them (GPU first), else WebAssembly, else plain JavaScript; in a browser (after
 * `useBrowserBackends`, which the `/browser` entry calls), WebGPU, else WebGL, else
 * WebAssembly, else plain JavaScript. Every candidate that cannot be used keeps its reason, so
 * `auto` can say why it fell back and `doctor` can list everything.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';

// tfjs prints a banner urging tfjs-node the first time the cpu backend runs in Node; our own
// RuntimeInfo notes already say which backend was chosen and why, so keep stderr clean.
tf.env().set('PROD', true);

export type TfjsBackendName = 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Node's backends, fastest first: `auto` takes the first one that loads. */
export const TFJS_BACKENDS: readonly TfjsBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** A browser's backends, fastest first (the GPU ones need their packages: the `/browser` entry imports them). */
export const TFJS_BROWSER_BACKENDS: readonly TfjsBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Where the wasm backend finds its .wasm files in a browser: a folder URL, or a URL per file name. */
export type WasmPaths = string | Record<string, string>;

/** The backends this process chooses from: Node's until `useBrowserBackends` switches. */
let platform: { backends: readonly TfjsBackendName[]; wasmPaths?: WasmPaths } = { backends: TFJS_BACKENDS };

/**
 * Choose from the browser's backends from now on (WebGPU, WebGL, wasm, cpu). `wasmPaths` says
 * where the wasm backend's binaries are served; without it tfjs looks next to the script.
 */
export function useBrowserBackends(options: { wasmPaths?: WasmPaths } = {}): void {
  platform = { backends: TFJS_BROWSER_BACKENDS, wasmPaths: options.wasmPaths };
}

export interface TfjsBackendStatus {
  name: TfjsBackendName;
  available: boolean;
  /** Why it cannot be used (absent when available). */
  reason?: string;
}

export interface SelectedBackend {
  name: TfjsBackendName;
  /** Backend name inside tfjs-core ('tensorflow' for both native packages). */
  tfjsName: string;
  device: string;
  threads?: number;
  /** Why faster backends were skipped (empty when the first choice loaded). */
  notes: string[];
}

/** The npm package that provides each native backend. */
const NATIVE_PACKAGES: Partial<Record<TfjsBackendName, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

interface Probe {
  ok: boolean;
  reason?: string;
  device?: string;
  threads?: number;
}

const probes = new Map<TfjsBackendName, Promise<Probe>>();
let wasmThreadsRequested: number | undefined;

function describeImportError(pkg: string, error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    const message = error instanceof Error ? error.message : '';
    // A missing dependency of an installed package (e.g. libtensorflow) is not "not installed".
    if (message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`)) return `${pkg} is not installed`;
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `${pkg} failed to load: ${message}`;
}

async function probeNative(name: TfjsBackendName): Promise<Probe> {
  const pkg = NATIVE_PACKAGES[name]!;
  if (!isNode()) return { ok: false, reason: `${pkg} needs Node.js` };
  const { createRequire } = await import('node:module');
  try {
    // Resolve first: "not installed" is then told apart from "installed but broken"
    // (e.g. libtensorflow or CUDA missing), whatever loader runs this code.
    createRequire(import.meta.url).resolve(pkg);
  } catch {
    return { ok: false, reason: `${pkg} is not installed` };
  }
  try {
    // A variable specifier: the package is optional and must not be resolved at build time.
    const specifier = pkg;
    await import(specifier);
  } catch (error) {
    return { ok: false, reason: describeImportError(pkg, error) };
  }
  if (!tf.findBackend('tensorflow') && !(await tf.setBackend('tensorflow').catch(() => false))) {
    return { ok: false, reason: `${pkg} loaded but registered no 'tensorflow' backend (a second copy of @tensorflow/tfjs-core?)` };
  }
  if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: `${pkg} loaded but its backend failed to initialise` };
  const usesGpu = (tf.backend() as { isUsingGpuDevice?: () => boolean }).isUsingGpuDevice?.() ?? name === 'tensorflow-gpu';
  if (name === 'tensorflow-gpu' && !usesGpu) {
    return { ok: false, reason: `${pkg} is installed but TensorFlow found no usable GPU (CUDA/cuDNN missing?)` };
  }
  return { ok: true, device: usesGpu ? 'GPU 0' : 'CPU' };
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** In Node the wasm backend must read its .wasm files from node_modules, not fetch them. */
async function wasmDistFolder(): Promise<string> {
  const { createRequire } = await import('node:module');
  const { dirname } = await import('node:path');
  const require = createRequire(import.meta.url);
  // The package's main file lives in dist/, next to the .wasm binaries.
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
}

async function probeWasm(): Promise<Probe> {
  try {
    if (isNode()) wasm.setWasmPaths(await wasmDistFolder());
    else if (platform.wasmPaths) wasm.setWasmPaths(platform.wasmPaths as Parameters<typeof wasm.setWasmPaths>[0]);
    if (wasmThreadsRequested) wasm.setThreadsCount(wasmThreadsRequested);
    if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'the wasm backend failed to initialise' };
    return { ok: true, device: 'CPU (WebAssembly)', threads: wasm.getThreadsCount() };
  } catch (error) {
    return { ok: false, reason: `the wasm backend failed to initialise: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function probeCpu(): Promise<Probe> {
  return (await tf.setBackend('cpu'))
    ? { ok: true, device: 'CPU (JavaScript)', threads: 1 }
    : { ok: false, reason: 'the cpu backend failed to initialise' };
}

/**
 * WebGPU or WebGL in a browser. WebGL must render float32 textures: with half floats the
 * gradients would lose too much precision to agree with the other runtimes.
 */
async function probeGpu(name: 'webgpu' | 'webgl'): Promise<Probe> {
  if (isNode()) return { ok: false, reason: `the ${name} backend needs a browser` };
  if (!tf.findBackendFactory(name)) return { ok: false, reason: `the ${name} backend is not registered (import @yolo-saliency/runtime-tfjs/browser)` };
  if (name === 'webgpu' && !(globalThis.navigator as { gpu?: unknown } | undefined)?.gpu) {
    return { ok: false, reason: 'this browser offers no WebGPU (navigator.gpu is missing)' };
  }
  try {
    if (!(await tf.setBackend(name))) return { ok: false, reason: `the ${name} backend failed to initialise (no usable GPU context)` };
  } catch (error) {
    return { ok: false, reason: `the ${name} backend failed to initialise: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
    return { ok: false, reason: 'this WebGL cannot render float32 textures (half floats would spoil the gradients)' };
  }
  return { ok: true, device: gpuDevice(name) };
}

/** The GPU's name as the browser reports it, when it does. */
function gpuDevice(name: 'webgpu' | 'webgl'): string {
  try {
    if (name === 'webgl') {
      const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
      const debug = gl?.getExtension('WEBGL_debug_renderer_info');
      const renderer = gl && debug ? String(gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)) : '';
      return renderer ? `GPU (WebGL: ${renderer})` : 'GPU (WebGL)';
    }
    const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
    const label = [info?.vendor, info?.architecture].filter(Boolean).join(' ');
    return label ? `GPU (WebGPU: ${label})` : 'GPU (WebGPU)';
  } catch {
    return `GPU (${name === 'webgl' ? 'WebGL' : 'WebGPU'})`;
  }
}

/** Probe once per process: tfjs backends are global and initialise once. */
function probe(name: TfjsBackendName): Promise<Probe> {
  let p = probes.get(name);
  if (!p) {
    p =
      name === 'wasm' ? probeWasm()
      : name === 'cpu' ? probeCpu()
      : name === 'webgpu' || name === 'webgl' ? probeGpu(name)
      : probeNative(name);
    probes.set(name, p);
  }
  return p;
}

function tfjsNameOf(name: TfjsBackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

function isBackendName(name: string): name is TfjsBackendName {
  return (platform.backends as readonly string[]).includes(name);
}

/**
 * Pick and activate a backend. `requested` 'auto' (or undefined) takes the fastest that loads;
 * an explicit name is honoured or refused with its reason.
 */
export async function selectTfjsBackend(requested: string = 'auto', threads?: number): Promise<SelectedBackend> {
  if (threads !== undefined) {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`tfjs runtime: threads must be a positive integer, got ${threads}`);
    wasmThreadsRequested = threads;
  }
  if (requested !== 'auto' && !isBackendName(requested)) {
    throw new Error(`tfjs runtime: unknown backend '${requested}' (choose one of ${platform.backends.join(', ')}, or auto)`);
  }
  const candidates = requested === 'auto' ? platform.backends : [requested];
  const skipped: string[] = [];
  for (const name of candidates) {
    const result = await probe(name);
    if (result.ok) {
      // Another model may have switched the global backend since the probe.
      await tf.setBackend(tfjsNameOf(name));
      const notes = skipped.length ? [`the tfjs runtime fell back to ${name}: ${skipped.join('; ')}`] : [];
      if (threads !== undefined && name !== 'wasm') notes.push(`threads=${threads} is ignored by the ${name} backend`);
      if (threads !== undefined && name === 'wasm' && result.threads !== threads) {
        notes.push(`the wasm backend runs ${result.threads ?? 1} thread(s): tfjs has no wasm threads in Node.js`);
      }
      return { name, tfjsName: tfjsNameOf(name), device: result.device ?? 'CPU', threads: result.threads, notes };
    }
    skipped.push(result.reason ?? `${name} is unavailable`);
  }
  if (requested !== 'auto') throw new Error(`tfjs runtime: backend '${requested}' is not available: ${skipped[0]}`);
  throw new Error(`tfjs runtime: no backend could be loaded: ${skipped.join('; ')}`);
}

/** Every backend with whether it loads here and why not (for a `doctor` command). */
export async function listTfjsBackends(): Promise<TfjsBackendStatus[]> {
  const previous = tf.getBackend();
  const statuses: TfjsBackendStatus[] = [];
  for (const name of platform.backends) {
    const result = await probe(name);
    statuses.push(result.ok ? { name, available: true } : { name, available: false, reason: result.reason });
  }
  // Probing switches the global backend; leave it as it was.
  if (previous) await tf.setBackend(previous);
  return statuses;
}
