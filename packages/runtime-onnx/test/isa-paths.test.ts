/**
 * Every CPU code path this machine offers, forced through the addon, runs the backward on a
 * real graph (yolov3-tiny at 96x96, seeded weights, the tape ONNX Runtime records): avx2 and
 * avx512 agree bit for bit (the same FMA summation order), scalar to float32 rounding. Prints
 * which paths ran and which were skipped and why (ctest's test_isa_paths does the same for the
 * GEMM and the kernel library's model).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, LoadedModel, TensorData } from '@yolo-saliency/core';
import { loadDarknet } from '@yolo-saliency/core/loaders';
import { CPU_CODE_PATHS, loadNativeAddon, nativeBuildInfo, type CpuCodePath } from '@yolo-saliency/native';
import { createOnnxRuntime } from '../src/index.js';
import { createNativeModel } from '../src/native-model.js';
import type { OnnxTape } from '../src/tape.js';
import { randomInput } from './helpers/random-input.js';

const cfg = readFileSync(new URL('../../../fixtures/darknet/yolov3-tiny.cfg', import.meta.url), 'utf8');

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('every CPU code path on yolov3-tiny', () => {
  const graph: Graph = loadDarknet({ cfg, cfgName: 'yolov3-tiny.cfg' }).graph;
  const size: [number, number] = [96, 96];
  const { cpu } = nativeBuildInfo();
  let onnx: LoadedModel;
  let tape: OnnxTape;
  let heads: TensorData[];

  beforeAll(async () => {
    onnx = await createOnnxRuntime().load(graph, { inputSize: size, threads: 2, backend: 'cpu' });
    const forward = await onnx.forward(randomInput([2, ...size, 3], 5), { gradients: true });
    tape = forward.tape as OnnxTape;
    heads = forward.heads;
  });
  afterAll(async () => {
    tape?.dispose();
    await onnx?.dispose();
  });

  it('runs each available path and compares them', async () => {
    const results = new Map<CpuCodePath, TensorData>();
    for (const path of CPU_CODE_PATHS) {
      if (!cpu.codePathsAvailable.includes(path)) {
        let reason = '';
        try {
          createNativeModel(loadNativeAddon(), graph, { inputSize: size, device: 'cpu', isa: path }).dispose();
        } catch (error) {
          reason = (error as Error).message;
        }
        expect(reason).toMatch(new RegExp(`^createModel: the ${path} code path is not available here: `));
        console.log(`skipped ${path}: ${reason.replace(/^createModel: /, '')}`);
        continue;
      }
      const model = createNativeModel(loadNativeAddon(), graph, { inputSize: size, device: 'cpu', threads: 2, isa: path });
      expect(model.cpuCodePath).toBe(path);
      results.set(path, await model.backward(tape.parts[0].native, heads, { rule: 'guided', layout: 'nhwc' }));
      model.dispose();
      console.log(`ran ${path}`);
    }
    const ran = [...results.keys()];
    expect(ran).toContain('scalar');
    expect(ran).toContain(cpu.codePath);
    for (let a = 0; a < ran.length; a++) {
      for (let b = a + 1; b < ran.length; b++) {
        const [x, y] = [results.get(ran[a])!.data, results.get(ran[b])!.data];
        const scale = maxAbs(x);
        expect(scale).toBeGreaterThan(0);
        if (ran[a] !== 'scalar' && ran[b] !== 'scalar') {
          expect(x, `${ran[a]} and ${ran[b]} bit for bit`).toEqual(y);
        } else {
          const diff = maxAbsDiff(x, y);
          console.log(`${ran[a]} vs ${ran[b]}: max |difference| ${diff.toExponential(2)} of max |gradient| ${scale.toExponential(2)}`);
          expect(diff, `${ran[a]} vs ${ran[b]} to float32 rounding`).toBeLessThanOrEqual(1e-5 * scale);
          expect(diff, 'different paths ran').toBeGreaterThan(0);
        }
      }
    }
  });

  it("'auto' runs the best path, as the runtime reports", async () => {
    const model = createNativeModel(loadNativeAddon(), graph, { inputSize: size, device: 'cpu', threads: 2 });
    expect(model.cpuCodePath).toBe(cpu.codePath);
    model.dispose();
    expect(onnx.info.device).toBe(`CPU (${cpu.codePath}, 2 threads)`);
  });
});
