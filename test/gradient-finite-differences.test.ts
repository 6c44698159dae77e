/**
 * The tfjs runtime's forward and plain gradient against core's float64 reference
 * interpreter, on small models with every node kind, on both CPU backends: one with YOLOv3's
 * kinds, one with what the YOLOv4 family adds (grouped and depthwise convs, channel slices,
 * mish, swish, a new_coords head). Gradients: central finite differences of
 * J(x) = sum_k <G_k, head_k(x)> for a random G.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededRandom, type Graph, type LoadedModel, type TensorData } from '@yolo-saliency/core';
import { referenceForward } from '@yolo-saliency/core/graph';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import { everyKindModel } from '../packages/runtime-tfjs/test/helpers/every-kind-model.js';
import { dot, maxAbs, maxAbsDiff, randomInput, randomNormal } from '../packages/runtime-tfjs/test/helpers/tensors.js';
import { yolov4KindsModel } from '../packages/runtime-tfjs/test/helpers/yolov4-kinds-model.js';

/** A power of two: x +- H stays exact in float32 for inputs on a 2^-12 grid. */
const H = 2 ** -10;

const models: Record<string, Graph> = {
  'YOLOv3 kinds': everyKindModel(7),
  'YOLOv4 kinds': yolov4KindsModel(7),
};

describe.each(Object.keys(models).flatMap((name) => ['cpu', 'wasm'].map((backend) => [name, backend])))(
  '%s: tfjs %s backend against the float64 reference',
  (name, backend) => {
    const graph = models[name];
    let model: LoadedModel;
    const objective = (input: TensorData, headGrads: TensorData[]) => referenceForward(graph, input).reduce((sum, head, k) => sum + dot(head.data, headGrads[k].data), 0);

    beforeAll(async () => {
      model = await createTfjsRuntime().load(graph, { backend });
    });
    afterAll(() => model.dispose());

    it('forward heads match referenceForward (batch 2)', async () => {
      const input = randomInput([2, 16, 16, 3], 11);
      const { heads } = await model.forward(input);
      const reference = referenceForward(graph, input);
      expect(heads.map((h) => h.dims)).toEqual(reference.map((r) => r.dims));
      heads.forEach((head, k) => {
        expect(maxAbsDiff(head.data, reference[k].data)).toBeLessThanOrEqual(1e-4 * maxAbs(reference[k].data));
      });
    });

    it('plain gradient matches central finite differences at 50 random inputs', async () => {
      const input = randomInput([1, 16, 16, 3], 12);
      const headDims = referenceForward(graph, input).map((h) => h.dims);
      const headGrads = headDims.map((dims, k) => randomNormal(dims, 20 + k));
      const { tape } = await model.forward(input, { gradients: true });
      const grad = await model.backward(tape!, headGrads, { rule: 'plain' });
      tape!.dispose();
      expect(grad.dims).toEqual([1, 16, 16, 3]);

      const rng = createSeededRandom(3);
      const j0 = objective(input, headGrads);
      const scale = maxAbs(grad.data);
      let checked = 0;
      let worst = 0;
      for (let trial = 0; trial < 50; trial++) {
        const p = Math.floor(rng.uniform() * input.data.length);
        const plus = { dims: input.dims, data: input.data.slice() };
        const minus = { dims: input.dims, data: input.data.slice() };
        plus.data[p] += H;
        minus.data[p] -= H;
        const jPlus = objective(plus, headGrads);
        const jMinus = objective(minus, headGrads);
        const fd = (jPlus - jMinus) / (2 * H);
        // A leaky/relu sign flip or a maxpool argmax change inside [x-h, x+h] bends J: the three
        // points stop lying on a line. Such positions have no single derivative to compare.
        const bend = Math.abs(jPlus + jMinus - 2 * j0) / H;
        if (bend > 1e-3 * scale) continue;
        checked++;
        worst = Math.max(worst, Math.abs(fd - grad.data[p]));
      }
      expect(checked).toBeGreaterThanOrEqual(45);
      expect(worst).toBeLessThanOrEqual(1e-3 * scale);
      console.log(`${name}, ${backend}: ${checked}/50 positions checked, worst |fd - grad| = ${worst.toExponential(2)} (max |grad| ${scale.toExponential(2)})`);
    });
  },
);
