/**
 * Differential test of the two runtimes' gradients: the tfjs runtime (wasm and cpu backends)
 * against the onnx runtime (onnxruntime-node forward + native backward) on many seeded random
 * YOLO-style graphs (test/helpers/random-yolo.ts): widths 2 to 6, 24 to 96 px inputs with odd
 * and even deepest feature sizes, darknet and Keras 'same' stride-2 pools, darknet and
 * keras-yolo3 stride-2 convs, stride-1 pools (2x2 as in tiny-yolo3, 3x3, 5x5, SPP), shortcut
 * (add), upsample + route (concat), leaky/relu/logistic. Inputs are seeded noise; a third of
 * the cases have letterbox-like grey bands (flat regions: exact maxpool ties, decided by each
 * runtime's tie rule), a third are batches of two.
 *
 * Per case: raw heads, and the input gradient under the plain and the guided rule, for a
 * dense random head gradient and for one raw target (a one-hot head gradient). Every image
 * is compared at cosine >= 0.9999 and max |difference| <= 1e-4 of the gradient's largest
 * value (float32 runtimes agree to ~1e-6 here).
 *
 * Inputs are kept away from points where the gradient jumps (a leaky/relu input at 0, two
 * values of a maxpool window swapping): within float32 rounding of such a point two correct
 * runtimes may round to different sides and give gradients that each are right for their own
 * forward (see test/helpers/gradient-margin.ts). A case whose input is that close draws the
 * next input seed; the test says how many did.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSeededRandom, type TensorData } from '@yolo-saliency/core';
import { loadKeras } from '@yolo-saliency/core/loaders';
import { readNpy } from '../packages/core/test/helpers/npy.js';
import { maxAbs, maxAbsDiff, randomInput, randomNormal } from '../packages/runtime-tfjs/test/helpers/tensors.js';
import { expectSameGradient } from './helpers/expect-same-gradient.js';
import { TFJS_CPU_BACKENDS, useRuntimePair } from './helpers/runtime-pair.js';
import { gradientMargin } from './helpers/gradient-margin.js';
import { randomYoloCase, type RandomYoloCase } from './helpers/random-yolo.js';

const CASES = 48;
/**
 * Smallest distance of an input to a gradient jump, relative to the layer's largest |value|
 * (see gradient-margin.ts). The largest float32 errors are about this size and most are ten
 * times smaller; for a leaky's negative side (most maxpool near ties here) the bound is ten
 * times looser still. About one case in eight draws again.
 */
const MIN_MARGIN = 1e-6;

interface Prepared {
  c: RandomYoloCase;
  input: TensorData;
  greyBands: boolean;
  /** Input seeds rejected for lying too close to a gradient jump. */
  redrawn: number;
}

/**
 * Letterbox-like grey (0.5) bands on two opposite sides of every image: flat regions make
 * exact ties in the maxpools, which the runtimes' tie rules decide.
 */
function withGreyBands(input: TensorData, seed: number): TensorData {
  const [batch, h, w] = input.dims;
  const rng = createSeededRandom(seed);
  const band = Math.max(1, Math.floor(h * (0.15 + 0.2 * rng.uniform())));
  const rows = rng.uniform() < 0.5;
  const data = input.data.slice();
  for (let n = 0; n < batch; n++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const d = rows ? y : x;
        if (d < band || d >= h - band) data.fill(0.5, ((n * h + y) * w + x) * 3, ((n * h + y) * w + x) * 3 + 3);
      }
  return { dims: input.dims, data };
}

function prepare(seed: number): Prepared {
  const c = randomYoloCase(seed);
  const batch = seed % 3 === 0 ? 2 : 1;
  const greyBands = seed % 3 === 2;
  for (let k = 0; k < 20; k++) {
    const noise = randomInput([batch, c.size, c.size, 3], 100_000 + seed * 100 + k);
    const input = greyBands ? withGreyBands(noise, seed) : noise;
    if (gradientMargin(c.graph, input).margin >= MIN_MARGIN) return { c, input, greyBands, redrawn: k };
  }
  throw new Error(`${c.summary}: no input seed away from gradient jumps`);
}

/** One raw target per image: head, cell, anchor and channel drawn from the seed. */
function oneHot(heads: TensorData[], seed: number): TensorData[] {
  const rng = createSeededRandom(seed);
  const k = Math.floor(rng.uniform() * heads.length);
  return heads.map((h, j) => {
    const data = new Float32Array(h.data.length);
    if (j === k) {
      const per = h.data.length / h.dims[0];
      for (let n = 0; n < h.dims[0]; n++) data[n * per + Math.floor(rng.uniform() * per)] = 1;
    }
    return { dims: h.dims, data };
  });
}

const prepared = Array.from({ length: CASES }, (_, i) => prepare(i + 1));

describe('the random cases', () => {
  it('cover every structure the generator has', () => {
    const cases = prepared.map((p) => p.c);
    const kinds = (f: (c: RandomYoloCase) => string[]) => new Set(cases.flatMap(f));
    expect(kinds((c) => c.downsamples)).toEqual(new Set(['pool-darknet', 'pool-keras', 'conv-darknet', 'conv-keras']));
    expect(kinds((c) => [c.stridePool])).toEqual(new Set(['none', 'pool2', 'pool3', 'pool5', 'spp']));
    // tiny-yolo3's layout: a stride-1 2x2 pool on an odd and on an even feature map.
    expect(kinds((c) => (c.stridePool === 'pool2' ? [`${(c.size / 2 ** c.downsamples.length) % 2}`] : []))).toEqual(new Set(['0', '1']));
    expect(cases.some((c) => c.shortcut)).toBe(true);
    expect(kinds((c) => [`${c.width}`])).toEqual(new Set(['2', '3', '4', '6']));
    const acts = kinds((c) => c.graph.nodes.flatMap((n) => (n.kind === 'activation' ? [n.activation] : [])));
    for (const a of ['leaky', 'relu', 'logistic']) expect(acts).toContain(a);
    expect(prepared.some((p) => p.input.dims[0] === 2)).toBe(true);
    const redrawn = prepared.filter((p) => p.redrawn > 0).length;
    console.log(`${CASES} cases (${prepared.filter((p) => p.input.dims[0] === 2).length} with batch 2, ${prepared.filter((p) => p.greyBands).length} with grey bands), sizes ${Math.min(...cases.map((c) => c.size))}-${Math.max(...cases.map((c) => c.size))} px; ${redrawn} drew a new input away from a gradient jump`);
  });
});

describe('the margin guard', () => {
  it('rejects the input of keras-tiny-yolo3-w6-c4-s23, where the tfjs wasm backend and Keras take different sides of a maxpool near tie', async () => {
    const name = 'keras-tiny-yolo3-w6-c4-s23';
    const fixture = (ext: string) => new URL(`../fixtures/keras/${name}.${ext}`, import.meta.url).pathname;
    const { graph } = await loadKeras(new Uint8Array(readFileSync(fixture('h5'))), `${name}.h5`);
    const input = readNpy(fixture('input.npy'));
    const { margin, where } = gradientMargin(graph, { dims: [1, ...input.shape], data: input.data });
    expect(margin, where).toBeLessThan(MIN_MARGIN);
  });
});

describe.each(prepared.map((p) => [`${p.c.summary}${p.greyBands ? ', grey bands' : ''}${p.input.dims[0] > 1 ? ', batch 2' : ''}`, p] as const))('%s', (_, { c, input }) => {
  const runtimes = useRuntimePair(c.graph, c.size);

  it('tfjs (wasm, cpu) heads and input gradients (plain, guided; dense and one-hot) match onnx', async () => {
    const want = await runtimes.onnx.forward(input, { gradients: true });
    const headGradients = {
      dense: want.heads.map((h, k) => randomNormal(h.dims, c.seed * 10 + k)),
      target: oneHot(want.heads, c.seed),
    };
    const wanted: Record<string, TensorData> = {};
    for (const [name, g] of Object.entries(headGradients)) {
      for (const rule of ['plain', 'guided'] as const) wanted[`${name}/${rule}`] = await runtimes.onnx.backward(want.tape!, g, { rule });
    }
    want.tape!.dispose();

    for (const backend of TFJS_CPU_BACKENDS) {
      const model = runtimes.tfjs[backend];
      const got = await model.forward(input, { gradients: true });
      got.heads.forEach((head, k) => {
        expect(head.dims).toEqual(want.heads[k].dims);
        expect(maxAbsDiff(head.data, want.heads[k].data), `${backend} head ${k}`).toBeLessThanOrEqual(1e-5 * maxAbs(want.heads[k].data));
      });
      for (const [name, g] of Object.entries(headGradients)) {
        for (const rule of ['plain', 'guided'] as const) {
          const grad = await model.backward(got.tape!, g, { rule });
          expectSameGradient(grad, wanted[`${name}/${rule}`], `${backend} ${name} head gradient, ${rule} rule`);
        }
      }
      got.tape!.dispose();
    }
  });
});
