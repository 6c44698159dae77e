/**
 * A runtime registry in the onnxruntime-js style: runtimes register with a name and a
 * priority; initialisation is lazy and shared; a runtime that fails to initialise keeps
 * its reason; `auto` walks the list by priority and, when nothing loads, one error lists
 * every runtime's reason. It lives in core so a browser can use it without native code.
 */
import type { LoadOptions, Runtime, RuntimeInfo } from './types.js';

interface Entry {
  name: string;
  priority: number;
  factory: () => Promise<Runtime> | Runtime;
  /** Shared initialisation, created on first use. */
  ready?: Promise<{ runtime: Runtime; info: RuntimeInfo }>;
  failure?: string;
}

const entries = new Map<string, Entry>();

/** Register (or replace) a runtime. Higher priority wins under `auto`. */
export function registerRuntime(name: string, priority: number, factory: () => Promise<Runtime> | Runtime): void {
  entries.set(name, { name, priority, factory });
}

export function registeredRuntimes(): Array<{ name: string; priority: number; failure?: string }> {
  return [...entries.values()]
    .sort((a, b) => b.priority - a.priority)
    .map(({ name, priority, failure }) => ({ name, priority, failure }));
}

async function initEntry(entry: Entry, options?: LoadOptions): Promise<{ runtime: Runtime; info: RuntimeInfo }> {
  entry.ready ??= (async () => {
    const runtime = await entry.factory();
    const info = await runtime.init(options);
    return { runtime, info };
  })();
  try {
    return await entry.ready;
  } catch (error) {
    entry.failure = error instanceof Error ? error.message : String(error);
    // Keep the rejected promise: a runtime that failed once will fail again the same way.
    throw error;
  }
}

/**
 * Resolve a runtime by name, or the best one that initialises for `auto`.
 * An explicit name is honoured or refused with its own reason.
 */
export async function resolveRuntime(
  name: string = 'auto',
  options?: LoadOptions,
): Promise<{ runtime: Runtime; info: RuntimeInfo }> {
  if (name !== 'auto') {
    const entry = entries.get(name);
    if (!entry) {
      const known = [...entries.keys()].join(', ') || 'none';
      throw new Error(`unknown runtime '${name}' (registered: ${known}, or 'auto')`);
    }
    try {
      return await initEntry(entry, options);
    } catch (error) {
      throw new Error(`runtime '${name}' is not available: ${entry.failure ?? String(error)}`);
    }
  }
  const reasons: string[] = [];
  for (const entry of [...entries.values()].sort((a, b) => b.priority - a.priority)) {
    try {
      return await initEntry(entry, options);
    } catch {
      reasons.push(`${entry.name}: ${entry.failure}`);
    }
  }
  throw new Error(`no runtime could be loaded${reasons.length ? ': ' + reasons.join('; ') : ' (none registered)'}`);
}

/** For tests: forget every registration. */
export function clearRuntimes(): void {
  entries.clear();
}
