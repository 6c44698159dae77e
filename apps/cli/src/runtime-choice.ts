/**
 * --runtime and --backend, checked before any work: a name that no runtime knows is a usage
 * error (exit 2) that lists the valid choices, whichever runtime would have refused it.
 */
import { runtimeNames } from '@yolo-saliency/node';
import { TFJS_BACKENDS } from '@yolo-saliency/runtime-tfjs';
import type { ParsedArgs } from './cli-args.js';
import { quoted, UsageError } from './cli-errors.js';

/**
 * Backends each runtime accepts. The onnx list mirrors runtime-onnx's ONNX_BACKENDS (the CLI
 * does not import that package: it is optional and loaded by @yolo-saliency/node); a test
 * keeps the two equal. A runtime missing here has its backend checked by the runtime itself.
 */
export const RUNTIME_BACKENDS: Readonly<Record<string, readonly string[]>> = {
  tfjs: ['auto', ...TFJS_BACKENDS],
  onnx: ['auto', 'cpu', 'cuda'],
};

export interface RuntimeChoice {
  runtime: string;
  backend?: string;
}

/** Check a runtime name and an optional backend; `option` names where the runtime came from. */
export function checkRuntimeChoice(runtime: string, backend: string | undefined, command: string, option = '--runtime'): RuntimeChoice {
  const names = runtimeNames();
  if (!names.includes(runtime)) throw new UsageError(`${option} must be one of ${names.join(', ')}, got ${quoted(runtime)}`, command);
  if (backend === undefined) return { runtime };
  const known = runtime === 'auto' ? [...new Set(Object.values(RUNTIME_BACKENDS).flat())] : RUNTIME_BACKENDS[runtime];
  if (known && !known.includes(backend)) {
    const scope = runtime === 'auto' ? '' : ` for runtime ${runtime}`;
    throw new UsageError(`--backend must be one of ${known.join(', ')}${scope}, got ${quoted(backend)}`, command);
  }
  return { runtime, backend };
}

/** --runtime (default auto) and --backend of a command that runs one runtime. */
export function readRuntimeChoice(args: ParsedArgs, command: string): RuntimeChoice {
  return checkRuntimeChoice(args.string('runtime') ?? 'auto', args.string('backend'), command);
}
