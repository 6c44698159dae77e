/** What this machine offers, for `doctor` and benchmark reports. */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export interface MachineInfo {
  node: string;
  platform: string;
  cpu: { model: string; cores: number };
  memoryGb: number;
  /** NVIDIA GPUs seen by nvidia-smi; empty when there is none (or no driver). */
  gpus: string[];
  gpuNote?: string;
}

export function describeMachine(): MachineInfo {
  const list = cpus();
  const { gpus, note } = nvidiaGpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: { model: list[0]?.model.trim() ?? 'unknown', cores: list.length },
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    gpus,
    ...(note ? { gpuNote: note } : {}),
  };
}

function nvidiaGpus(): { gpus: string[]; note?: string } {
  const result = spawnSync('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader'], {
    encoding: 'utf8',
    timeout: 5000,
  });
  if (result.error) return { gpus: [], note: 'nvidia-smi not found (no NVIDIA driver)' };
  if (result.status !== 0) return { gpus: [], note: `nvidia-smi failed: ${(result.stderr || result.stdout).trim().split('\n')[0]}` };
  return { gpus: result.stdout.split('\n').map((l) => l.trim()).filter(Boolean) };
}
