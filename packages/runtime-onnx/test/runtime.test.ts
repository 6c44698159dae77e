/**
 * The onnx runtime's contract edges: RuntimeInfo, and every misuse a caller can make gives one
 * clear error (never a crash): tapes from another model, wrong head gradient dims, disposed
 * tapes and models, a tape recorded without what the call needs, 'cuda' where there is none.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRuntimes, registeredRuntimes, resolveRuntime, type Graph, type LoadedModel, type TensorData } from '@yolo-saliency/core';
import { loadDarknet } from '@yolo-saliency/core/loaders';
import { inferShapes } from '@yolo-saliency/core/graph';
import { CPU_CODE_PATHS, loadNativeAddon } from '@yolo-saliency/native';
import { createOnnxRuntime, listOnnxBackends, registerOnnxRuntime } from '../src/index.js';
import { randomInput } from './helpers/random-input.js';
import { defaultMaxBatchPerCall } from '../src/batch-chunks.js';

const tinyCfg = readFileSync(new URL('../../../fixtures/darknet/yolov3-tiny.cfg', import.meta.url), 'utf8');
const tiny = (): Graph => loadDarknet({ cfg: tinyCfg, cfgName: 'yolov3-tiny.cfg' }).graph;
const ones = (dims: number[]): TensorData => ({ dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(1) });

describe('batch chunks', () => {
  it('chunks hold at least one image and fewer for bigger inputs', () => {
    const g = tiny();
    expect(defaultMaxBatchPerCall(inferShapes(g, [416, 416]))).toBeGreaterThanOrEqual(1);
    expect(defaultMaxBatchPerCall(inferShapes(g, [64, 64]))).toBeGreaterThan(defaultMaxBatchPerCall(inferShapes(g, [416, 416])));
  });
});

describe('onnx runtime', () => {
  let model: LoadedModel;
  let other: LoadedModel;
  const input = randomInput([2, 64, 64, 3], 3);

  beforeAll(async () => {
    model = await createOnnxRuntime().load(tiny(), { inputSize: [64, 64], threads: 1 });
    other = await createOnnxRuntime().load(tiny(), { inputSize: [64, 64], threads: 1 });
  });
  afterAll(async () => {
    await model?.dispose();
    await other?.dispose();
  });

  it('reports name, backend, device, threads and the addon build', async () => {
    const info = await createOnnxRuntime().init({ threads: 1 });
    expect(info.name).toBe('onnx');
    expect(info.backend).toBe('onnxruntime-cpu');
    expect(info.device).toMatch(new RegExp(`^CPU \\((${CPU_CODE_PATHS.join('|')}), 1 thread\\)$`));
    expect(info.threads).toBe(1);
    expect(info.notes.join('\n')).toMatch(/onnxruntime-node 1\.\d+\.\d+; native addon/);
    expect(model.info).toMatchObject({ name: 'onnx', backend: 'onnxruntime-cpu', threads: 1 });
    expect(model.inputSize).toEqual([64, 64]);
    const backends = await listOnnxBackends();
    expect(backends.map((b) => b.name)).toEqual(['cpu', 'cuda']);
    expect(backends[0].available).toBe(true);
  });

  it('registers as onnx with priority 20, ahead of tfjs under auto', async () => {
    clearRuntimes();
    registerOnnxRuntime();
    expect(registeredRuntimes()).toEqual([{ name: 'onnx', priority: 20 }]);
    expect((await resolveRuntime('auto')).info.name).toBe('onnx');
    clearRuntimes();
  });

  it("refuses device 'cuda' here with the addon's own reason", async () => {
    const backends = await listOnnxBackends();
    if (backends[1].available) return console.log('skipped: a CUDA device is usable on this machine');
    const choice = loadNativeAddon().selectDevice('cuda');
    const reason = choice.ok ? '' : choice.reason;
    expect(reason).toMatch(/^device 'cuda' was asked for, but (no CUDA device is usable here: .+|this build of the addon has no CUDA support .+)$/);
    expect(backends[1].reason).toBe(reason);
    await expect(createOnnxRuntime().load(tiny(), { backend: 'cuda', inputSize: [64, 64] })).rejects.toThrow(`onnx runtime: ${reason}`);
    await expect(createOnnxRuntime().load(tiny(), { backend: 'tpu' })).rejects.toThrow("onnx runtime: unknown backend 'tpu' (auto, cpu or cuda)");
  });

  it("'auto' says why it computes on the CPU, in the addon's words", async () => {
    const choice = loadNativeAddon().selectDevice('auto');
    if (!choice.ok || choice.device !== 'cpu') return console.log('skipped: a CUDA device is usable on this machine');
    const info = await createOnnxRuntime().init({ threads: 1 });
    expect(info.notes).toContain(choice.note);
    expect(model.info.notes).toContain(choice.note);
  });

  it('refuses a bad input size or batch limit at load', async () => {
    await expect(createOnnxRuntime().load(tiny(), { inputSize: [60, 60] })).rejects.toThrow(/60/);
    await expect(createOnnxRuntime().load(tiny(), { inputSize: [64, 64], maxBatchPerCall: 0 })).rejects.toThrow('onnx runtime: maxBatchPerCall must be a positive integer, got 0');
  });

  it('refuses an input of the wrong size', async () => {
    await expect(model.forward(randomInput([1, 32, 32, 3], 1))).rejects.toThrow('onnx runtime: forward input has dims [1, 32, 32, 3], expected [N, 64, 64, 3] for this model');
  });

  it('refuses a tape from another model', async () => {
    const { heads, tape } = await other.forward(input, { gradients: true });
    await expect(model.backward(tape!, heads, { rule: 'plain' })).rejects.toThrow("onnx runtime: backward needs a tape from this model's forward (got one from another onnx model)");
    const foreign = { runtime: 'tfjs', batch: 2, dispose() {} };
    await expect(model.visualBackProp(foreign)).rejects.toThrow("visualBackProp needs a tape from this model's forward (got one from runtime 'tfjs')");
    tape!.dispose();
  });

  it('refuses head gradients of the wrong dims, count or rule', async () => {
    const { heads, tape } = await model.forward(input, { gradients: true });
    expect(heads[0].dims).toEqual([2, 2, 2, 255]);
    await expect(model.backward(tape!, [ones([2, 3, 3, 255]), heads[1]], { rule: 'plain' })).rejects.toThrow(
      "onnx runtime: head gradient 0 ('yolo_16') has dims [2, 3, 3, 255], expected [2, 2, 2, 255] (NHWC, Float32Array)",
    );
    await expect(model.backward(tape!, [ones([1, ...heads[0].dims.slice(1)]), heads[1]], { rule: 'plain' })).rejects.toThrow(
      new RegExp(`head gradient 0 \\('[^']+'\\) has dims \\[1, ${heads[0].dims.slice(1).join(', ')}\\], expected \\[2, ${heads[0].dims.slice(1).join(', ')}\\] \\(NHWC, Float32Array\\)`),
    );
    await expect(model.backward(tape!, [heads[0]], { rule: 'plain' })).rejects.toThrow('onnx runtime: backward got 1 head gradients for 2 heads');
    await expect(model.backward(tape!, heads, { rule: 'sideways' as 'plain' })).rejects.toThrow("unknown backward rule 'sideways' (plain or guided)");
    await expect(model.backward(tape!, heads, { rule: 'plain', stopAt: 'nope' })).rejects.toThrow("onnx runtime: backward stopAt: no layer named 'nope'");
    // Still usable after refusals: the tape serves several calls until disposed.
    const a = await model.backward(tape!, heads, { rule: 'plain' });
    const b = await model.backward(tape!, heads, { rule: 'plain' });
    expect(a.dims).toEqual([2, 64, 64, 3]);
    expect(b.data).toEqual(a.data);
    tape!.dispose();
  });

  it('returns the stopAt layer gradient in NHWC', async () => {
    const { heads, tape } = await model.forward(input, { gradients: true });
    const layer = model.graph.nodes[3].name;
    const [h, w, c] = inferShapes(model.graph, [64, 64])[3];
    const g = await model.backward(tape!, heads, { rule: 'plain', stopAt: layer });
    expect(g.dims).toEqual([2, h, w, c]);
    tape!.dispose();
  });

  it('refuses a tape that did not record what the call needs', async () => {
    const vbpOnly = await model.forward(input, { visualBackProp: true });
    await expect(model.backward(vbpOnly.tape!, vbpOnly.heads, { rule: 'plain' })).rejects.toThrow('onnx runtime: backward needs a forward recorded with { gradients: true }');
    vbpOnly.tape!.dispose();
    const gradOnly = await model.forward(input, { gradients: true });
    await expect(model.visualBackProp(gradOnly.tape!)).rejects.toThrow('onnx runtime: visualBackProp needs a forward recorded with { visualBackProp: true }');
    gradOnly.tape!.dispose();
    expect((await model.forward(input)).tape).toBeUndefined();
  });

  it('refuses disposed tapes and models', async () => {
    const { heads, tape } = await model.forward(input, { gradients: true, visualBackProp: true });
    tape!.dispose();
    tape!.dispose(); // twice is fine
    await expect(model.backward(tape!, heads, { rule: 'plain' })).rejects.toThrow('onnx runtime: backward on a disposed tape');
    await expect(model.visualBackProp(tape!)).rejects.toThrow('onnx runtime: visualBackProp on a disposed tape');

    const doomed = await createOnnxRuntime().load(tiny(), { inputSize: [64, 64], threads: 1 });
    const kept = await doomed.forward(input, { gradients: true });
    await doomed.dispose();
    await doomed.dispose();
    await expect(doomed.forward(input)).rejects.toThrow('onnx runtime: forward on a disposed model');
    await expect(doomed.backward(kept.tape!, kept.heads, { rule: 'plain' })).rejects.toThrow('onnx runtime: backward on a disposed model');
  });
});
