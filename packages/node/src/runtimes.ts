/**
 * Which runtimes this machine can use. Each runtime package is listed once below; setting up
 * imports it and lets it register with core's registry. A package that is not installed or
 * fails to import keeps its reason, which `describeRuntimes` (the CLI's `doctor`) reports.
 */
import { registeredRuntimes, resolveRuntime } from '@yolo-saliency/core';
import type { RuntimeInfo } from '@yolo-saliency/core';
import { messageOf } from './file-errors.js';

export interface BackendStatus {
  name: string;
  available: boolean;
  /** Why it cannot be used (absent when available). */
  reason?: string;
}

interface RuntimePackage {
  /** Runtime name as it registers ('tfjs', 'onnx'). */
  name: string;
  /** npm package, for messages. */
  packageName: string;
  /** Import the package; returns how to register it and list its backends. */
  load(): Promise<{ register(): void; listBackends?(): Promise<BackendStatus[]> }>;
}

// Adding a runtime is one entry here (and the package as a dependency).
const RUNTIME_PACKAGES: RuntimePackage[] = [
  {
    name: 'tfjs',
    packageName: '@yolo-saliency/runtime-tfjs',
    load: async () => {
      const m = await import('@yolo-saliency/runtime-tfjs');
      return { register: () => m.registerTfjsRuntime(), listBackends: () => m.listTfjsBackends() };
    },
  },
  {
    // Priority 20 > tfjs's 10: `auto` takes it wherever onnxruntime-node and the addon load.
    name: 'onnx',
    packageName: '@yolo-saliency/runtime-onnx',
    load: async () => {
      const m = await import('@yolo-saliency/runtime-onnx');
      return { register: () => m.registerOnnxRuntime(20), listBackends: () => m.listOnnxBackends() };
    },
  },
];

interface LoadedPackage {
  spec: RuntimePackage;
  listBackends?: () => Promise<BackendStatus[]>;
  failure?: string;
}

let setup: Promise<LoadedPackage[]> | undefined;

/** Import and register every runtime package that exists here (once per process). */
export function setupRuntimes(): Promise<LoadedPackage[]> {
  setup ??= Promise.all(
    RUNTIME_PACKAGES.map(async (spec): Promise<LoadedPackage> => {
      try {
        const loaded = await spec.load();
        loaded.register();
        return { spec, listBackends: loaded.listBackends };
      } catch (error) {
        return { spec, failure: `${spec.packageName} could not be loaded: ${messageOf(error)}` };
      }
    }),
  );
  return setup;
}

/** Names a user may pass to --runtime: 'auto' and every runtime package we know. */
export function runtimeNames(): string[] {
  return ['auto', ...RUNTIME_PACKAGES.map((p) => p.name)];
}

export interface RuntimeReport {
  name: string;
  available: boolean;
  /** Why it cannot be used (absent when available). */
  reason?: string;
  /** Backend, device and notes of what it picked by default. */
  info?: RuntimeInfo;
  backends: BackendStatus[];
}

export interface RuntimesReport {
  runtimes: RuntimeReport[];
  /** What `--runtime auto` picks, or why nothing can be used. */
  auto: { runtime: string; backend: string; device: string } | { error: string };
}

/** For `doctor`: every known runtime, whether it initialises, its backends, and what `auto` picks. */
export async function describeRuntimes(): Promise<RuntimesReport> {
  const packages = await setupRuntimes();
  const registered = new Map(registeredRuntimes().map((r) => [r.name, r]));
  const runtimes: RuntimeReport[] = [];
  for (const pkg of packages) {
    const backends = pkg.listBackends ? await pkg.listBackends().catch((e: unknown) => [{ name: '?', available: false, reason: messageOf(e) }]) : [];
    if (pkg.failure || !registered.has(pkg.spec.name)) {
      runtimes.push({ name: pkg.spec.name, available: false, reason: pkg.failure ?? `${pkg.spec.packageName} registered no runtime`, backends });
      continue;
    }
    try {
      const { info } = await resolveRuntime(pkg.spec.name);
      runtimes.push({ name: pkg.spec.name, available: true, info, backends });
    } catch (error) {
      runtimes.push({ name: pkg.spec.name, available: false, reason: messageOf(error), backends });
    }
  }
  let auto: RuntimesReport['auto'];
  try {
    const { info } = await resolveRuntime('auto');
    auto = { runtime: info.name, backend: info.backend, device: info.device };
  } catch (error) {
    auto = { error: messageOf(error) };
  }
  return { runtimes, auto };
}
