/**
 * Finite weights can still overflow float32 (issue 9): a non-finite head or map is an error
 * naming the head or the method, never NaN maps or an empty detection list with success.
 */
import { describe, expect, it } from 'vitest';
import { explainAll } from '../src/algorithms/index.js';
import { checkFiniteHeads, decodeDetections } from '../src/decode/index.js';
import type { LoadedModel, TensorData } from '../src/runtime/types.js';
import { linearGraph, linearModel, SIDE } from './helpers/linear-model.js';

const input: TensorData = { dims: [1, SIDE, SIDE, 3], data: new Float32Array(SIDE * SIDE * 3).fill(1) };

describe('non-finite outputs', () => {
  it('explainAll refuses heads that overflow float32, naming the head', async () => {
    // 48 inputs of 1 times weights of 1e38: 4.8e39 does not fit in float32.
    const model = linearModel(linearGraph(() => 1e38));
    await expect(explainAll(model, input, ['vanilla'])).rejects.toThrow(
      "head 'yolo_0' is not finite: the model's values overflow float32 (all 6 values are NaN or infinite)",
    );
  });

  it('explainAll refuses a map whose gradients overflow, naming the method', async () => {
    const model = linearModel(linearGraph(() => 0.01));
    const nanBackward: LoadedModel = {
      ...model,
      forward: model.forward.bind(model),
      backward: async (tape, grads, options) => {
        const g = await model.backward(tape, grads, options);
        g.data[5] = Number.NaN;
        return g;
      },
    };
    await expect(explainAll(nanBackward, input, ['vanilla'], { target: 'raw:scale=0,anchor=0,y=0,x=0,channel=4' })).rejects.toThrow(
      "vanilla: the saliency map is not finite: the model's gradients overflow float32 (1 of 48 values are NaN or infinite)",
    );
  });

  it('decodeDetections refuses non-finite heads of the image it decodes, and only of that image', () => {
    const graph = linearGraph(() => 0);
    const heads = [{ dims: [2, 1, 1, 6], data: Float32Array.of(0, 0, 0, 0, 5, 5, Number.NaN, 0, 0, 0, 0, 0) }];
    expect(decodeDetections(graph, heads, { batchIndex: 0 })).toHaveLength(1);
    expect(() => decodeDetections(graph, heads, { batchIndex: 1 })).toThrow(/^head 'yolo_0' is not finite: the model's values overflow float32/);
    expect(() => checkFiniteHeads(graph, heads)).toThrow(/head 'yolo_0'/);
  });
});
