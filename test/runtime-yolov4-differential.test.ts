/**
 * The onnx runtime (onnxruntime-node forward + native backward) against the tfjs runtime (wasm
 * and cpu backends; the maps on cpu) on seeded random graphs of the YOLOv4 family's blocks (test/helpers/random-yolo.ts,
 * randomYoloV4Case): mish and swish, depthwise convs with multipliers 1 and 2 (stride 1 and 2,
 * darknet and keras-yolo3 pads), grouped convs (2 and 4 groups, asymmetric pads), channel-split
 * routes (slice + concat), shortcuts, maxpools, upsample + route, two heads.
 *
 * Per case: raw heads (max |difference| <= 1e-4 of the largest value); the input gradient of a
 * dense random head gradient under the plain and the guided rule (cosine >= 0.9999, max
 * |difference| <= 1e-4 of the largest); and core's explain() maps of vanilla, guided,
 * Integrated Gradients and VisualBackProp for a raw target (cosine >= 0.9999). Inputs are kept
 * away from gradient jumps (rectifier signs, mish/swish at 0 for the guided rule, maxpool near
 * ties; test/helpers/gradient-margin.ts), as in runtime-gradient-differential.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { explain, type MethodName, type TensorData } from '@yolo-saliency/core';
import { cosine, imageOf, maxAbs, maxAbsDiff, randomInput, randomNormal } from '../packages/runtime-tfjs/test/helpers/tensors.js';
import { expectSameGradient } from './helpers/expect-same-gradient.js';
import { TFJS_CPU_BACKENDS, useRuntimePair } from './helpers/runtime-pair.js';
import { gradientMargin } from './helpers/gradient-margin.js';
import { randomYoloV4Case, type RandomYoloV4Case } from './helpers/random-yolo.js';

const CASES = 16;
const MIN_MARGIN = 1e-6;
const METHODS: MethodName[] = ['vanilla', 'guided', 'integrated-gradients', 'visual-backprop'];

interface Prepared {
  c: RandomYoloV4Case;
  input: TensorData;
  redrawn: number;
}

function prepare(seed: number): Prepared {
  const c = randomYoloV4Case(seed);
  const batch = seed % 4 === 0 ? 2 : 1;
  for (let k = 0; k < 20; k++) {
    const input = randomInput([batch, c.size, c.size, 3], 200_000 + seed * 100 + k);
    if (gradientMargin(c.graph, input).margin >= MIN_MARGIN) return { c, input, redrawn: k };
  }
  throw new Error(`${c.summary}: no input seed away from gradient jumps`);
}

const prepared = Array.from({ length: CASES }, (_, i) => prepare(i + 1));

describe('the random YOLOv4-family cases', () => {
  it('cover every block, downsampling, multiplier and activation the generator has', () => {
    const cases = prepared.map((p) => p.c);
    expect(new Set(cases.flatMap((c) => c.blocks))).toEqual(new Set(['depthwise', 'csp', 'grouped']));
    expect(new Set(cases.flatMap((c) => c.downsamples))).toEqual(new Set(['conv-darknet', 'conv-keras', 'depthwise-s2', 'pool-darknet']));
    expect(new Set(cases.flatMap((c) => c.multipliers))).toEqual(new Set([1, 2]));
    expect(new Set(cases.flatMap((c) => c.groups))).toEqual(new Set([2, 4]));
    const acts = new Set(cases.flatMap((c) => c.graph.nodes.flatMap((n) => (n.kind === 'activation' ? [n.activation] : []))));
    for (const a of ['mish', 'swish', 'leaky', 'relu', 'logistic', 'linear']) expect(acts).toContain(a);
    expect(cases.every((c) => c.graph.nodes.some((n) => n.kind === 'slice'))).toBe(true);
    console.log(`${CASES} cases, sizes ${Math.min(...cases.map((c) => c.size))}-${Math.max(...cases.map((c) => c.size))} px; ${prepared.filter((p) => p.redrawn > 0).length} drew a new input away from a gradient jump`);
  });
});

describe.each(prepared.map((p) => [`${p.c.summary}${p.input.dims[0] > 1 ? ', batch 2' : ''}`, p] as const))('%s', (_, { c, input }) => {
  const deepest = c.size / 2 ** c.downsamples.length;
  const target = `raw:scale=0,anchor=0,y=${(c.seed * 7) % deepest},x=${(c.seed * 5) % deepest},channel=${4 + (c.seed % 2)}`;
  const runtimes = useRuntimePair(c.graph, c.size);

  it('heads and input gradients (plain, guided) match on tfjs wasm and cpu', async () => {
    const want = await runtimes.onnx.forward(input, { gradients: true });
    const g = want.heads.map((h, k) => randomNormal(h.dims, c.seed * 10 + k));
    const wanted = { plain: await runtimes.onnx.backward(want.tape!, g, { rule: 'plain' }), guided: await runtimes.onnx.backward(want.tape!, g, { rule: 'guided' }) };
    want.tape!.dispose();
    for (const backend of TFJS_CPU_BACKENDS) {
      const got = await runtimes.tfjs[backend].forward(input, { gradients: true });
      got.heads.forEach((head, k) => {
        expect(head.dims).toEqual(want.heads[k].dims);
        expect(maxAbsDiff(head.data, want.heads[k].data), `${backend} head ${k}`).toBeLessThanOrEqual(1e-4 * maxAbs(want.heads[k].data));
      });
      for (const rule of ['plain', 'guided'] as const) {
        expectSameGradient(await runtimes.tfjs[backend].backward(got.tape!, g, { rule }), wanted[rule], `${backend} ${rule} rule`);
      }
      got.tape!.dispose();
    }
  });

  it.each(METHODS)('gives the same %s map', async (method) => {
    const image = imageOf(input, 0);
    const options = { method, target, steps: 8 };
    const [a, b] = [await explain(runtimes.onnx, image, options), await explain(runtimes.tfjs.cpu, image, options)];
    expect(a.map.dims).toEqual(b.map.dims);
    expect(maxAbs(b.map.data)).toBeGreaterThan(0);
    expect(cosine(a.map.data, b.map.data), `${method}, target ${target}`).toBeGreaterThanOrEqual(0.9999);
  });
});
