/** For `doctor`: which devices the onnx runtime can use here, and why not where it cannot. */
import { loadDependencies } from './dependencies.js';

export interface OnnxBackendStatus {
  name: 'cpu' | 'cuda';
  available: boolean;
  reason?: string;
}

export async function listOnnxBackends(): Promise<OnnxBackendStatus[]> {
  let deps;
  try {
    deps = await loadDependencies();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      { name: 'cpu', available: false, reason },
      { name: 'cuda', available: false, reason },
    ];
  }
  // The addon's own decision and reason (the runtime never repeats the rule).
  const cuda = deps.addon.selectDevice('cuda');
  const cudaStatus: OnnxBackendStatus = cuda.ok ? { name: 'cuda', available: true } : { name: 'cuda', available: false, reason: cuda.reason };
  return [{ name: 'cpu', available: true }, cudaStatus];
}

/** One line on the addon build and onnxruntime version, for RuntimeInfo.notes. */
export function buildSummary(deps: Awaited<ReturnType<typeof loadDependencies>>): string {
  const b = deps.buildInfo;
  const cuda = b.cuda.compiled ? `CUDA ${b.cuda.version} (sm ${b.cuda.architectures.join(',')})` : 'no CUDA';
  return `onnxruntime-node ${deps.ortVersion}; native addon ${b.version} (${b.compiler}, ${cuda}, CPU path ${b.cpu.codePath} of ${b.cpu.codePathsAvailable.join('/')})`;
}
