/**
 * The addon alone (no core): build info and its code paths, device selection, forcing a code
 * path, the NHWC layout option, and bad arguments: every mistake rejects (or throws, for the
 * synchronous createModel) with one line naming the call, and the process survives. Tests of
 * the addon on real graphs (against tfjs, every code path on yolov3-tiny) are in
 * packages/runtime-onnx/test.
 */
import { describe, expect, it } from 'vitest';
import { CPU_CODE_PATHS, explainLoadError, loadNativeAddon, nativeBuildInfo, type CpuCodePath } from '../src/index.js';
import type { NativeGraphDesc } from '../src/index.js';
import { seeded, tinyGraph, tinyHeadGradient, tinyTape, tinyWeights, toNhwc } from './tiny-graph.js';

/** The CPU features each code path needs (CPU_CODE_PATHS' documentation). */
const NEEDS: Record<CpuCodePath, string[]> = { scalar: [], avx2: ['avx2', 'fma'], avx512: ['avx512f', 'fma'] };

const addon = loadNativeAddon();
const tape = tinyTape(2);
const grads = [tinyHeadGradient(2)];
const cpuModel = (options: Parameters<typeof addon.createModel>[2] = {}) => addon.createModel(tinyGraph, tinyWeights, { device: 'cpu', threads: 1, ...options });

describe('build info', () => {
  it('reports version, CUDA, CPU code paths and threads', () => {
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
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.compiler).not.toBe('');
  });

  it('reports code paths from the one documented list, consistent with the CPU features', () => {
    const { cpu } = nativeBuildInfo();
    console.log(`code path ${cpu.codePath}; available ${cpu.codePathsAvailable.join(',')}; compiled ${cpu.codePathsCompiled.join(',')}; CPU features ${cpu.featuresDetected.join(',') || 'none'}`);
    const inOrder = (paths: string[]) => expect(paths).toEqual(CPU_CODE_PATHS.filter((p) => paths.includes(p)));
    expect(CPU_CODE_PATHS).toContain(cpu.codePath);
    inOrder(cpu.codePathsCompiled);
    inOrder(cpu.codePathsAvailable);
    expect(cpu.codePathsCompiled).toContain('scalar');
    // Available = compiled and every feature it needs detected; 'auto' runs the best of them.
    const supported = cpu.codePathsCompiled.filter((p) => NEEDS[p].every((f) => cpu.featuresDetected.includes(f)));
    expect(cpu.codePathsAvailable).toEqual(supported);
    expect(cpu.codePath).toBe(supported[supported.length - 1]);
  });

  it('deviceCount is a number and never throws', () => {
    const count = addon.deviceCount();
    expect(Number.isInteger(count)).toBe(true);
    expect(count).toBeGreaterThanOrEqual(0);
  });
});

describe('devices: the addon decides, and says why', () => {
  const noGpu = addon.deviceCount() === 0;

  it("'cpu' is the CPU with no note", () => {
    expect(addon.selectDevice('cpu')).toEqual({ ok: true, device: 'cpu', note: '' });
    const model = cpuModel({ threads: 2 });
    expect(model.device).toBe('cpu');
    expect(model.deviceNote).toBe('');
    expect(model.threads).toBe(2);
    expect(model.memoryBytes).toBeGreaterThan(0);
    model.dispose();
  });

  it.runIf(noGpu)("'auto' without a GPU: the CPU with one note, the same in selectDevice and createModel", () => {
    const choice = addon.selectDevice('auto');
    expect(choice).toMatchObject({ ok: true, device: 'cpu' });
    const note = choice.ok ? choice.note : '';
    expect(note).toMatch(/computing on the CPU$/);
    expect(note.split('\n')).toHaveLength(1);
    const model = addon.createModel(tinyGraph, tinyWeights, { threads: 1 });
    expect(model.device).toBe('cpu');
    expect(model.deviceNote).toBe(note);
    model.dispose();
  });

  it.runIf(noGpu)("'cuda' without a GPU: refused saying why, the same in selectDevice and createModel", () => {
    const choice = addon.selectDevice('cuda');
    expect(choice).toMatchObject({ ok: false, code: 'YS_UNSUPPORTED' });
    const reason = choice.ok ? '' : choice.reason;
    expect(reason).toMatch(/^device 'cuda' was asked for, but (no CUDA device is usable here|this build of the addon has no CUDA)/);
    expect(() => addon.createModel(tinyGraph, tinyWeights, { device: 'cuda' })).toThrow(`createModel: ${reason}`);
  });

  it('bad devices are refused', () => {
    expect(() => addon.selectDevice('tpu' as 'cpu')).toThrow(/selectDevice: device must be 'auto', 'cpu' or 'cuda'/);
    expect(() => addon.createModel(tinyGraph, tinyWeights, { device: 'tpu' as 'cpu' })).toThrow(/options.device must be 'auto', 'cpu' or 'cuda'/);
  });
});

describe('forcing a CPU code path', () => {
  const { cpu } = nativeBuildInfo();

  it('runs every available path and refuses the others saying why', async () => {
    const results: Partial<Record<CpuCodePath, Float32Array>> = {};
    for (const path of CPU_CODE_PATHS) {
      if (!cpu.codePathsAvailable.includes(path)) {
        expect(() => cpuModel({ isa: path })).toThrow(new RegExp(`^createModel: the ${path} code path is not available here: (this CPU lacks|this build has no)`));
        continue;
      }
      const model = cpuModel({ isa: path });
      expect(model.cpuCodePath).toBe(path);
      results[path] = (await model.backward(tape, grads, { rule: 'guided' })).data;
      model.dispose();
    }
    const auto = cpuModel();
    expect(auto.cpuCodePath).toBe(cpu.codePath);
    expect((await auto.backward(tape, grads, { rule: 'guided' })).data).toEqual(results[cpu.codePath]);
    auto.dispose();
  });

  it('refuses an unknown path, and a path for the GPU', () => {
    expect(() => cpuModel({ isa: 'sse' as 'scalar' })).toThrow("createModel: options.isa must be one of 'auto', 'scalar', 'avx2', 'avx512', got 'sse'");
    expect(() => addon.createModel(tinyGraph, tinyWeights, { device: 'cuda', isa: 'scalar' })).toThrow(/createModel: options.isa chooses a CPU code path; device 'cuda' takes none/);
  });
});

describe('layouts', () => {
  it("layout 'nhwc': NHWC head gradients in, NHWC gradient out, the NCHW result transposed", async () => {
    const model = cpuModel();
    const nchw = await model.backward(tape, grads, { rule: 'plain' });
    expect(nchw.dims).toEqual([2, 2, 6, 6]);
    const nhwc = await model.backward(tape, grads.map(toNhwc), { rule: 'plain', layout: 'nhwc' });
    expect(nhwc.dims).toEqual([2, 6, 6, 2]);
    expect(nhwc.data).toEqual(toNhwc(nchw).data);
    const atPool = await model.backward(tape, grads.map(toNhwc), { rule: 'plain', layout: 'nhwc', stopAt: 3 });
    expect(atPool.dims).toEqual([2, 3, 3, 3]);
    await expect(model.backward(tape, grads, { rule: 'plain', layout: 'nwhc' as 'nhwc' })).rejects.toThrow("backward: options.layout must be 'nchw' or 'nhwc', got 'nwhc'");
    model.dispose();
  });
});

describe('bad arguments', () => {
  it('head gradients are checked once, in C++, with the expected count', async () => {
    const model = cpuModel();
    const short = [{ dims: grads[0].dims, data: grads[0].data.subarray(1) }];
    const error = await model.backward(tape, short, { rule: 'plain' }).catch((e: Error & { code?: string }) => e);
    expect((error as Error).message).toBe(`backward: head 0 (layer 'y' (yolo)): gradient has ${grads[0].data.length - 1} floats, expected ${grads[0].data.length} (2x4x3x3)`);
    expect((error as { code?: string }).code).toBe('YS_TAPE_MISMATCH');
    await expect(model.backward(tape, [], { rule: 'plain' })).rejects.toThrow('backward: 0 head gradients for 1 heads');
    await expect(model.backward(tape, [{ dims: [1], data: [1] as unknown as Float32Array }], { rule: 'plain' })).rejects.toThrow('backward: head gradient 0 data must be a Float32Array');
    await expect(model.backward(tape, grads, { rule: 'sideways' as 'plain' })).rejects.toThrow(/backward: options.rule must be 'plain' or 'guided'/);
    await expect(model.backward({ batch: 2, nodes: [] }, grads, { rule: 'plain' })).rejects.toThrow('backward: the tape has 0 node entries, the model has 6 layers');
    model.dispose();
  });

  it('a tape that does not match the model rejects from C++ naming the layer', async () => {
    const model = cpuModel();
    const shortSigns = { ...tape, nodes: tape.nodes.map((e, i) => (i === 2 ? { signs: e!.signs!.subarray(3) } : e)) };
    await expect(model.backward(shortSigns, grads, { rule: 'guided' })).rejects.toThrow(/^backward: layer 'a1' \(activation\): the tape's sign bytes has \d+ elements, expected \d+$/);
    const missing = { ...tape, nodes: tape.nodes.map((e, i) => (i === 2 ? null : e)) };
    await expect(model.backward(missing, grads, { rule: 'plain' })).rejects.toThrow("backward: layer 'a1' (activation): the tape has no sign bytes");
    const outside = Int32Array.from(tape.nodes[3]!.argmax!);
    outside[5] = 36; // one past the 6 x 6 plane
    const badArgmax = { ...tape, nodes: tape.nodes.map((e, i) => (i === 3 ? { argmax: outside } : e)) };
    const error = await model.backward(badArgmax, grads, { rule: 'plain' }).catch((e: Error & { code?: string }) => e);
    expect((error as Error).message).toMatch(/^backward: layer 'm1' \(maxpool\): argmax index 36 of output 5 is outside its \(n, c\) plane of 36 pixels$/);
    expect((error as { code?: string }).code).toBe('YS_TAPE_MISMATCH');
    const int64 = { ...tape, nodes: tape.nodes.map((e, i) => (i === 3 ? { argmax: BigInt64Array.from([0n]) as unknown as Int32Array } : e)) };
    await expect(model.backward(int64, grads, { rule: 'plain' })).rejects.toThrow('backward: tape.nodes[3].argmax must be a Int32Array');
    // Still usable after every refusal.
    expect((await model.backward(tape, grads, { rule: 'plain' })).dims).toEqual([2, 2, 6, 6]);
    model.dispose();
  });

  it('a bad VisualBackProp plan or mean map rejects', async () => {
    const model = cpuModel();
    await expect(model.visualBackProp({ meanNodes: [], steps: [] }, tape)).rejects.toThrow('visualBackProp: plan.steps is empty');
    const plan = {
      meanNodes: [2],
      steps: [
        { node: 2, size: [6, 6] as [number, number], seed: true, multiplyByMean: true, sends: [{ to: 0, op: { kind: 'identity' as const } }] },
        { node: 0, size: [6, 6] as [number, number], seed: false, multiplyByMean: false, sends: [] },
      ],
    };
    await expect(model.visualBackProp(plan, tape)).rejects.toThrow("visualBackProp: layer 'a1' (activation): the tape has no VisualBackProp mean map");
    const withMean = { ...tape, nodes: tape.nodes.map((e, i) => (i === 2 ? { ...e, mean: Float32Array.from(new Float32Array(72), (_, k) => k % 7) } : e)) };
    const map = await model.visualBackProp(plan, withMean);
    expect(map.dims).toEqual([2, 6, 6]);
    expect(Math.max(...map.data)).toBe(1);
    model.dispose();
  });

  it('a disposed model rejects every call, and disposing during a call lets it finish', async () => {
    const model = cpuModel();
    const pending = model.backward(tape, grads, { rule: 'plain' });
    model.dispose();
    model.dispose(); // twice is fine
    expect(model.disposed).toBe(true);
    expect((await pending).dims).toEqual([2, 2, 6, 6]);
    await expect(model.backward(tape, grads, { rule: 'plain' })).rejects.toThrow(/^backward: the model was disposed$/);
    await expect(model.visualBackProp({ meanNodes: [], steps: [] }, tape)).rejects.toThrow(/^visualBackProp: the model was disposed$/);
  });

  it('bad graphs and weights throw from createModel naming the layer', () => {
    const shortWeights = tinyWeights.map((w, i) => (i === 4 ? w!.subarray(1) : w));
    expect(() => addon.createModel(tinyGraph, shortWeights)).toThrow("createModel: layer 'c2' has 11 weights, expected 12 (OIHW 4x3x1x1)");
    const wrongShape = { ...tinyGraph, nodes: tinyGraph.nodes.map((n, i) => (i === 4 ? { ...n, shape: [4, 4, 3] as [number, number, number] } : n)) };
    expect(() => addon.createModel(wrongShape, tinyWeights, { device: 'cpu' })).toThrow(/^createModel: .*'c2' \(conv\): declared output shape 4x4x3 but the inputs give 4x3x3$/);
    const badKind = { ...tinyGraph, nodes: tinyGraph.nodes.map((n, i) => (i === 2 ? { ...n, kind: 'gelu' as 'activation' } : n)) };
    expect(() => addon.createModel(badKind, tinyWeights)).toThrow("createModel: graph.nodes[2].kind 'gelu' is not a node kind (input, conv, activation, maxpool, upsample, concat, slice, add, yolo)");
    const badActivation = { ...tinyGraph, nodes: tinyGraph.nodes.map((n, i) => (i === 2 ? { ...n, activation: { kind: 'gelu' as 'leaky', alpha: 0 } } : n)) };
    expect(() => addon.createModel(badActivation, tinyWeights)).toThrow("createModel: graph.nodes[2].activation.kind 'gelu' is not an activation (leaky, linear, logistic, relu, mish, swish)");
    const c1Groups = (groups: number) => ({ ...tinyGraph, nodes: tinyGraph.nodes.map((n, i) => (i === 1 ? { ...n, conv: { ...n.conv!, groups } } : n)) });
    expect(() => addon.createModel(c1Groups(2), tinyWeights)).toThrow('createModel: graph.nodes[1].conv.groups must divide both the 2 channels and the 3 filters, got 2');
    expect(() => addon.createModel(c1Groups(0), tinyWeights)).toThrow('createModel: graph.nodes[1].conv.groups must be an integer in [1, 1048576], got 0');
    const noGroups = { ...tinyGraph, nodes: tinyGraph.nodes.map((n, i) => (i === 1 ? { ...n, conv: { ...n.conv!, groups: undefined as never } } : n)) };
    expect(() => addon.createModel(noGroups, tinyWeights)).toThrow('createModel: graph.nodes[1].conv.groups must be an integer');
    const noStride = { ...tinyGraph, nodes: tinyGraph.nodes.map((n, i) => (i === 3 ? { ...n, maxpool: { size: 2, pads: n.maxpool!.pads } as never } : n)) };
    expect(() => addon.createModel(noStride, tinyWeights)).toThrow('createModel: graph.nodes[3].maxpool.stride must be an integer');
    expect(() => addon.createModel(null as never, tinyWeights)).toThrow(/createModel: graph must be an object/);
  });
});

describe('the YOLOv4 blocks: depthwise conv, mish, channel slice (a hand-written graph)', () => {
  // input [4,5,5] -> depthwise 3x3 x2 'd' [8,5,5] -> mish 'm' -> slice [2, 6) 's' [4,5,5] -> yolo
  const graph: NativeGraphDesc = {
    nodes: [
      { name: 'input', kind: 'input', inputs: [], shape: [4, 5, 5] },
      { name: 'd', kind: 'conv', inputs: [0], shape: [8, 5, 5], conv: { filters: 8, channels: 4, kernel: [3, 3], stride: 1, pads: { top: 1, left: 1, bottom: 1, right: 1 }, groups: 4 } },
      { name: 'm', kind: 'activation', inputs: [1], shape: [8, 5, 5], activation: { kind: 'mish', alpha: 0.1 } },
      { name: 's', kind: 'slice', inputs: [2], shape: [4, 5, 5], slice: { start: 2, count: 4 } },
      { name: 'y', kind: 'yolo', inputs: [3], shape: [4, 5, 5] },
    ],
    heads: [4],
  };
  const weights = [null, seeded(8 * 1 * 9, 21), null, null, null];
  const input = seeded(8 * 25, 22);
  const head = { dims: [1, 4, 5, 5], data: seeded(100, 23) };

  it('runs a backward reading the activation input from the tape; only the sliced channels get a gradient', async () => {
    const model = addon.createModel(graph, weights, { device: 'cpu', threads: 1 });
    for (const rule of ['plain', 'guided'] as const) {
      const grad = await model.backward({ batch: 1, nodes: [null, null, { input }, null, null] }, [head], { rule });
      expect(grad.dims).toEqual([1, 4, 5, 5]);
      // Channels 2..5 of the depthwise output are the two filters of input channels 1 and 2.
      const plane = (c: number) => grad.data.subarray(c * 25, (c + 1) * 25);
      for (const c of [0, 3]) expect(plane(c).every((v) => v === 0)).toBe(true);
      for (const c of [1, 2]) expect(plane(c).some((v) => v !== 0)).toBe(true);
    }
    await expect(model.backward({ batch: 1, nodes: [null, null, null, null, null] }, [head], { rule: 'plain' })).rejects.toThrow(
      "backward: layer 'm' (activation): the tape has no activation input",
    );
    await expect(model.backward({ batch: 1, nodes: [null, null, { input: new Uint8Array(200) as never }, null, null] }, [head], { rule: 'plain' })).rejects.toThrow(
      'backward: tape.nodes[2].input must be a Float32Array',
    );
    model.dispose();
  });

  it('bad slices and grouped weights are refused naming the layer', () => {
    const bad = { ...graph, nodes: graph.nodes.map((n, i) => (i === 3 ? { ...n, slice: { start: 6, count: 4 } } : n)) };
    expect(() => addon.createModel(bad, weights)).toThrow("createModel: model: layer 's' (slice): channels [6, 10) are not within the input's 8 channels");
    expect(() => addon.createModel(graph, [null, seeded(8 * 4 * 9, 1), null, null, null])).toThrow("createModel: layer 'd' has 288 weights, expected 72 (OIHW 8x1x3x3)");
  });
});

describe('load errors', () => {
  it('explains ABI mismatches, missing libraries and wrong platforms with the build command', () => {
    expect(explainLoadError('/x.node', new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 108'))).toMatch(/another Node\.js ABI.*build:native/);
    expect(explainLoadError('/x.node', new Error('libcudart.so.12: cannot open shared object file: No such file or directory'))).toMatch(/needs the shared library libcudart\.so\.12/);
    expect(explainLoadError('/x.node', new Error('/x.node: invalid ELF header'))).toMatch(/not a binary for/);
  });
});
