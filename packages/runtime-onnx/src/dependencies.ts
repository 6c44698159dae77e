/**
 * The two native pieces this runtime stands on: onnxruntime-node (forward) and our addon
 * (backward, VisualBackProp). Each is imported once per process; when one cannot load, the
 * reason is kept and becomes the runtime's init() error (the registry and `doctor` show it).
 */
import type { NativeAddon, NativeBuildInfo } from '@yolo-saliency/native';

/** The slice of onnxruntime-node's API this runtime uses. */
export type Ort = typeof import('onnxruntime-node');

export interface Dependencies {
  ort: Ort;
  ortVersion: string;
  addon: NativeAddon;
  buildInfo: NativeBuildInfo;
}

let loading: Promise<Dependencies> | undefined;

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

async function importOrt(): Promise<{ ort: Ort; version: string }> {
  let module: Ort & { default?: Ort };
  try {
    module = (await import('onnxruntime-node')) as Ort & { default?: Ort };
  } catch (error) {
    throw new Error(`onnxruntime-node could not be loaded (${messageOf(error)}); install it: pnpm add onnxruntime-node`);
  }
  // A CommonJS package: Node's ESM wrapper puts the API on `default`.
  const ort = module.default ?? module;
  if (typeof ort.InferenceSession?.create !== 'function') throw new Error('onnxruntime-node loaded but has no InferenceSession.create (unsupported version)');
  return { ort, version: String((ort.env as { versions?: { node?: string } }).versions?.node ?? 'unknown') };
}

async function importAddon(): Promise<{ addon: NativeAddon; buildInfo: NativeBuildInfo }> {
  let native: typeof import('@yolo-saliency/native');
  try {
    native = await import('@yolo-saliency/native');
  } catch (error) {
    throw new Error(`@yolo-saliency/native could not be imported (${messageOf(error)})`);
  }
  const load = native.tryLoadNativeAddon();
  if (!load.ok) throw new Error(load.reason);
  return { addon: load.addon, buildInfo: load.addon.buildInfo() };
}

async function loadAll(): Promise<Dependencies> {
  const [{ ort, version }, { addon, buildInfo }] = await Promise.all([importOrt(), importAddon()]);
  return { ort, ortVersion: version, addon, buildInfo };
}

/** onnxruntime-node and the addon, or an Error saying which of them did not load and why. */
export function loadDependencies(): Promise<Dependencies> {
  loading ??= loadAll();
  return loading;
}
