/**
 * The 'guided' rule on a case small enough to do by hand:
 * x -> c1 (1x1, w=2, b=-1) -> leaky(0.1) or relu -> c2 (1x1, 1 -> 5, v) -> head.
 * With s = sum_c G[c] v[c] (the gradient reaching the activation's output) and z = 2x - 1:
 *   plain  dx = 2 * s * f'(z)                    (leaky/relu: f'(z) = z > 0 ? 1 : slope)
 *   guided dx = 2 * max(s, 0) * f'(z) * [z > 0]  (the rule at every rectifier, mish and swish included)
 * with f' from core's float64 definitions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '@yolo-saliency/core';
import { ACTIVATION_FUNCTIONS, GraphBuilder } from '@yolo-saliency/core/graph';
import { createTfjsRuntime } from '../src/index.js';

const v = [1, -1, 0.5, 0, 2];
// Two images of two pixels; z = [1, -0.5] for both (x = 1 and 0.25).
const input = { dims: [2, 1, 2, 1], data: new Float32Array([1, 0.25, 1, 0.25]) };
// One-hot head gradients picking s = v[c]: image 0: s = [1, 2], image 1: s = [-1, 0.5].
const picks = [[0, 4], [1, 2]];
const headGradient = { dims: [2, 1, 2, 5], data: new Float32Array(20) };
picks.forEach((pixels, n) => pixels.forEach((c, p) => (headGradient.data[(n * 2 + p) * 5 + c] = 1)));
const s = picks.map((pixels) => pixels.map((c) => v[c]));
const z = [1, -0.5];

describe.each([{ activation: 'leaky' as const }, { activation: 'relu' as const }, { activation: 'mish' as const }, { activation: 'swish' as const }])('$activation on the wasm and cpu backends', ({ activation }) => {
  const slope = (zp: number) => ACTIVATION_FUNCTIONS[activation].derivative(zp, 0.1);
  for (const backend of ['wasm', 'cpu']) {
    describe(backend, () => {
      let model: LoadedModel;
      beforeAll(async () => {
        const b = new GraphBuilder(1);
        const c1 = b.conv('c1', 0, { filters: 1, channels: 1, kernel: 1, weights: new Float32Array([2]), bias: new Float32Array([-1]) });
        const a1 = b.activation('a1', c1, activation, 0.1);
        const c2 = b.conv('c2', a1, { filters: 5, channels: 1, kernel: 1, weights: new Float32Array(v), bias: new Float32Array(5) });
        b.yolo('head', c2, [[1, 1]], 0);
        model = await createTfjsRuntime().load(b.build({ inputSize: [1, 2], source: 'test' }), { backend });
      });
      afterAll(() => model.dispose());

      it('plain and guided gradients equal the hand computation, and differ', async () => {
        const { tape } = await model.forward(input, { gradients: true });
        const plain = await model.backward(tape!, [headGradient], { rule: 'plain' });
        const guided = await model.backward(tape!, [headGradient], { rule: 'guided' });
        tape!.dispose();
        const expectPlain = s.flatMap((sn) => sn.map((sp, p) => 2 * sp * slope(z[p])));
        const expectGuided = s.flatMap((sn) => sn.map((sp, p) => 2 * Math.max(sp, 0) * slope(z[p]) * (z[p] > 0 ? 1 : 0)));
        expect(plain.dims).toEqual([2, 1, 2, 1]);
        Array.from(plain.data).forEach((g, i) => expect(g).toBeCloseTo(expectPlain[i], 6));
        Array.from(guided.data).forEach((g, i) => expect(g).toBeCloseTo(expectGuided[i], 6));
        // image 1, pixel 0 has s = -1 on an active unit: plain passes -2 f'(1), guided blocks it
        expect(plain.data[2]).toBeCloseTo(-2 * slope(1), 6);
        expect(guided.data[2]).toBe(0);
        // image 0, pixel 1 has s = 2 on an inactive unit (z < 0): only the smooth units pass some of it in plain
        expect(guided.data[1]).toBe(0);
      });

      it('stopAt returns the gradient at a named layer', async () => {
        const { tape } = await model.forward(input, { gradients: true });
        const atActivation = await model.backward(tape!, [headGradient], { rule: 'plain', stopAt: 'a1' });
        const atConv = await model.backward(tape!, [headGradient], { rule: 'guided', stopAt: 'c1' });
        tape!.dispose();
        expect(Array.from(atActivation.data)).toEqual(s.flat());
        const expectGuided = s.flatMap((sn) => sn.map((sp, p) => Math.max(sp, 0) * slope(z[p]) * (z[p] > 0 ? 1 : 0)));
        Array.from(atConv.data).forEach((g, i) => expect(g).toBeCloseTo(expectGuided[i], 6));
        await expect(model.backward(tape!, [headGradient], { rule: 'plain' })).rejects.toThrow(/disposed tape/);
      });
    });
  }
});
