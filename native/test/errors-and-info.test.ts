/**
 * buildInfo, device selection and bad arguments: every mistake rejects (or throws, for the
 * synchronous createModel) with one line naming the call, and the process survives.
 */
import { createSeededRandom, planVisualBackProp, type TensorData } from '@yolo-saliency/core';
import { describe, expect, it } from 'vitest';
import { everyKindModel } from '../../packages/runtime-tfjs/test/helpers/every-kind-model.js';
import { createNativeModel, explainLoadError, loadNativeAddon, nativeBuildInfo, toNativeGraph } from '../src/index.js';
import { nhwcToNchw, referenceTape } from './helpers/reference-tape.js';

const graph = everyKindModel(5);
const input: TensorData = (() => {
  const rng = createSeededRandom(1);
  return { dims: [1, 16, 16, 3], data: Float32Array.from({ length: 16 * 16 * 3 }, () => rng.uniform()) };
})();
const plan = planVisualBackProp(graph);
const { tape, heads } = referenceTape(graph, input, { plan });
const grads = heads.map((h) => ({ dims: h.dims, data: new Float32Array(h.data.length).fill(1) }));

describe('build info', () => {
  it('reports version, CUDA, CPU features and threads', () => {
    const info = nativeBuildInfo();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.napiVersion).toBe(8);
    expect(typeof info.cuda.compiled).toBe('boolean');
    if (info.cuda.compiled) {
      expect(info.cuda.version).toMatch(/^\d+\.\d+$/);
      expect(info.cuda.architectures.length).toBeGreaterThan(0);
      expect(info.cuda.architectures.some((a) => a.endsWith('-ptx'))).toBe(true);
    } else {
      expect(info.cuda.architectures).toEqual([]);
    }
    expect(['scalar', 'avx2,fma', 'avx512f']).toContain(info.cpu.featuresUsed);
    expect(info.cpu.isasCompiled).toContain('scalar');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.compiler).not.toBe('');
  });

  it('deviceCount is a number and never throws', () => {
    const count = loadNativeAddon().deviceCount();
    expect(Number.isInteger(count)).toBe(true);
    expect(count).toBeGreaterThanOrEqual(0);
  });
});

describe('devices', () => {
  const noGpu = loadNativeAddon().deviceCount() === 0;

  it.runIf(noGpu)("'cuda' where there is none throws saying so", () => {
    expect(() => createNativeModel(graph, { device: 'cuda' })).toThrow(/createModel: device 'cuda' was asked for, but (no CUDA device is usable here|this build of the addon has no CUDA)/);
  });

  it.runIf(noGpu)("'auto' falls back to the CPU with one note", () => {
    const model = createNativeModel(graph, { device: 'auto', threads: 1 });
    expect(model.device).toBe('cpu');
    expect(model.deviceNote).toMatch(/computing on the CPU/);
    expect(model.deviceNote.split('\n')).toHaveLength(1);
    model.dispose();
  });

  it("'cpu' has no note, and reports threads and memory", () => {
    const model = createNativeModel(graph, { device: 'cpu', threads: 2 });
    expect(model.device).toBe('cpu');
    expect(model.deviceNote).toBe('');
    expect(model.threads).toBe(2);
    expect(model.memoryBytes).toBeGreaterThan(0);
    model.dispose();
  });
});

describe('bad arguments', () => {
  it('wrong head gradient sizes reject in TS and in C++ with the expected count', async () => {
    const model = createNativeModel(graph, { device: 'cpu', threads: 1 });
    const short = grads.map((g, k) => (k === 1 ? { dims: g.dims, data: g.data.subarray(1) } : g));
    await expect(model.backward(tape, short, { rule: 'plain' })).rejects.toThrow(/^backward: head gradient 1 has \d+ values, expected \d+$/);
    // Straight to the addon (the C++ check): same message shape.
    const addon = loadNativeAddon();
    const { desc, weights } = toNativeGraph(graph);
    const raw = addon.createModel(desc, weights, { device: 'cpu', threads: 1 });
    const expected = grads[1].data.length;
    await expect(raw.backward(tape, short, { rule: 'plain' })).rejects.toThrow(`backward: head gradient 1 has ${expected - 1} values, expected ${expected}`);
    await expect(raw.backward(tape, grads.slice(1), { rule: 'plain' })).rejects.toThrow(/backward: 1 head gradients given, the model has 2 heads/);
    await expect(raw.backward(tape, grads, { rule: 'sideways' as 'plain' })).rejects.toThrow(/backward: options.rule must be 'plain' or 'guided'/);
    await expect(raw.backward({ batch: 1, nodes: [] }, grads, { rule: 'plain' })).rejects.toThrow(/backward: tape.nodes has 0 entries/);
    raw.dispose();
    model.dispose();
  });

  it('a tape that does not match the model rejects from C++ naming the layer', async () => {
    const addon = loadNativeAddon();
    const { desc, weights } = toNativeGraph(graph);
    const raw = addon.createModel(desc, weights, { device: 'cpu', threads: 1 });
    const a1 = graph.nodes.findIndex((n) => n.name === 'a1');
    const broken = { batch: 1, nodes: tape.nodes.map((e, i) => (i === a1 ? { signs: e!.signs!.subarray(3) } : e)) };
    await expect(raw.backward(broken, grads, { rule: 'guided' })).rejects.toThrow(/a1/);
    const missing = { batch: 1, nodes: tape.nodes.map((e, i) => (i === a1 ? null : e)) };
    const error = await raw.backward(missing, grads, { rule: 'plain' }).catch((e: Error & { code?: string }) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^backward: .*a1/);
    expect((error as { code?: string }).code).toBe('YS_TAPE_MISMATCH');
    await expect(raw.visualBackProp(plan, { batch: 1, nodes: tape.nodes.map((e) => (e?.mean ? { mean: e.mean.subarray(1) } : e)) })).rejects.toThrow(/^visualBackProp: /);
    raw.dispose();
  });

  it('a disposed model rejects every call and the process goes on', async () => {
    const model = createNativeModel(graph, { device: 'cpu', threads: 1 });
    model.dispose();
    model.dispose(); // twice is fine
    expect(model.disposed).toBe(true);
    await expect(model.backward(tape, grads, { rule: 'plain' })).rejects.toThrow(/^backward: the model was disposed$/);
    const addon = loadNativeAddon();
    const { desc, weights } = toNativeGraph(graph);
    const raw = addon.createModel(desc, weights, { device: 'cpu' });
    raw.dispose();
    await expect(raw.backward(tape, grads, { rule: 'plain' })).rejects.toThrow(/^backward: the model was disposed$/);
    await expect(raw.visualBackProp(plan, tape)).rejects.toThrow(/^visualBackProp: the model was disposed$/);
  });

  it('disposing while a call runs lets the call finish', async () => {
    const model = createNativeModel(graph, { device: 'cpu', threads: 1 });
    const pending = model.backward(tape, grads, { rule: 'plain' });
    model.dispose();
    const result = await pending;
    expect(result.dims).toEqual([1, 3, 16, 16]);
  });

  it('bad graphs and weights throw from createModel naming the layer', () => {
    const addon = loadNativeAddon();
    const { desc, weights } = toNativeGraph(graph);
    const c2 = graph.nodes.findIndex((n) => n.name === 'c2');
    const shortWeights = weights.map((w, i) => (i === c2 ? w!.subarray(1) : w));
    expect(() => addon.createModel(desc, shortWeights)).toThrow(/createModel: layer 'c2' has \d+ weights, expected \d+/);
    const wrongShape = { ...desc, nodes: desc.nodes.map((n, i) => (i === c2 ? { ...n, shape: [n.shape[0], n.shape[1] + 1, n.shape[2]] as [number, number, number] } : n)) };
    expect(() => addon.createModel(wrongShape, weights, { device: 'cpu' })).toThrow(/^createModel: .*c2/);
    expect(() => addon.createModel(desc, weights, { device: 'tpu' as 'cpu' })).toThrow(/options.device must be 'auto', 'cpu' or 'cuda'/);
    expect(() => addon.createModel(null as never, weights)).toThrow(/createModel: graph must be an object/);
    expect(() => createNativeModel(graph, { device: 'gpu' as 'cpu' })).toThrow(/createNativeModel: device must be/);
  });

  it('the head gradients are checked in TS with dims', async () => {
    const model = createNativeModel(graph, { device: 'cpu', threads: 1 });
    const nhwc = heads.map((h) => ({ dims: [h.dims[0], h.dims[2], h.dims[3], h.dims[1]], data: new Float32Array(h.data.length) }));
    await expect(model.backward(tape, nhwc, { rule: 'plain' })).rejects.toThrow(/backward: head gradient 0 has dims \[.*\], expected \[.*\] \(NCHW\)/);
    await expect(model.backward(tape, grads, { rule: 'plain', stopAt: 'nope' })).rejects.toThrow("backward: stopAt: the model has no layer named 'nope'");
    model.dispose();
    // Sanity: NCHW heads round trip.
    expect(nhwcToNchw({ dims: [1, 1, 2, 2], data: Float32Array.from([1, 2, 3, 4]) }).data).toEqual(Float32Array.from([1, 3, 2, 4]));
  });
});

describe('load errors', () => {
  it('explains ABI mismatches, missing libraries and wrong platforms with the build command', () => {
    expect(explainLoadError('/x.node', new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 108'))).toMatch(/another Node\.js ABI.*build:native/);
    expect(explainLoadError('/x.node', new Error('libcudart.so.12: cannot open shared object file: No such file or directory'))).toMatch(/needs the shared library libcudart\.so\.12/);
    expect(explainLoadError('/x.node', new Error('/x.node: invalid ELF header'))).toMatch(/not a binary for/);
  });
});
