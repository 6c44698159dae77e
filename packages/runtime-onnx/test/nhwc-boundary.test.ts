/**
 * core's withNhwcBoundary, as runtime-onnx's sessions use it: the wrapped export takes the
 * NHWC input and returns NHWC heads; on ONNX Runtime its heads are the plain (NCHW) export's
 * transposed and its tape outputs are the same, NCHW, as the addon reads them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDarknet } from '@yolo-saliency/core/loaders';
import { exportOnnx, LAYOUT_METADATA_KEY, OUTPUTS_METADATA_KEY, withNhwcBoundary, type OnnxOutputInfo } from '@yolo-saliency/core/onnx';
import type { Tensor } from 'onnxruntime-node';
import { loadDependencies } from '../src/dependencies.js';
import { randomInput } from './helpers/random-input.js';

const cfg = readFileSync(new URL('../../../fixtures/darknet/yolov3-tiny.cfg', import.meta.url), 'utf8');

/** [N, H, W, C] -> [N, C, H, W]. */
function toNchw(data: Float32Array, [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < h * w; p++)
      for (let k = 0; k < c; k++) out[(b * c + k) * h * w + p] = data[(b * h * w + p) * c + k];
  return out;
}

describe('the NHWC boundary of an exported model', () => {
  const graph = loadDarknet({ cfg, cfgName: 'yolov3-tiny.cfg' }).graph;
  const plain = exportOnnx(graph, { inputSize: [64, 64], tape: { signs: true, argmax: true, means: true } });
  const wrapped = withNhwcBoundary(plain);

  it('renames only the heads, whose dims become NHWC, and says so in the metadata', () => {
    expect(wrapped.outputs.map((o) => o.kind)).toEqual(plain.outputs.map((o) => o.kind));
    wrapped.outputs.forEach((o, i) => {
      const p = plain.outputs[i];
      if (o.kind !== 'head') return expect(o).toEqual(p);
      expect(o.name).not.toBe(p.name);
      expect(o.dims).toEqual(['N', p.dims[2], p.dims[3], p.dims[1]]);
    });
    const text = new TextDecoder().decode(wrapped.bytes.subarray(wrapped.bytes.length - 65536));
    expect(text).toContain(LAYOUT_METADATA_KEY);
    expect(text).toContain(OUTPUTS_METADATA_KEY);
  });

  it('on ONNX Runtime: heads = the plain export transposed, tape outputs the same', async () => {
    const { ort } = await loadDependencies();
    const input = randomInput([2, 64, 64, 3], 9);
    const options = { intraOpNumThreads: 1, graphOptimizationLevel: 'all' as const };
    const a = await ort.InferenceSession.create(plain.bytes, options);
    const b = await ort.InferenceSession.create(wrapped.bytes, options);
    expect(b.inputNames).toHaveLength(1);
    const ra = (await a.run({ [a.inputNames[0]]: new ort.Tensor('float32', toNchw(input.data, input.dims), [2, 3, 64, 64]) })) as Record<string, Tensor>;
    const rb = (await b.run({ [b.inputNames[0]]: new ort.Tensor('float32', input.data, input.dims) })) as Record<string, Tensor>;
    plain.outputs.forEach((p: OnnxOutputInfo, i) => {
      const o = wrapped.outputs[i];
      const [x, y] = [ra[p.name], rb[o.name]];
      if (p.kind === 'head') {
        expect(y.dims).toEqual([2, x.dims[2], x.dims[3], x.dims[1]]);
        const nchw = toNchw(y.data as Float32Array, [...y.dims]);
        const scale = (x.data as Float32Array).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        (x.data as Float32Array).forEach((v, k) => expect(Math.abs(v - nchw[k])).toBeLessThanOrEqual(1e-5 * scale));
      } else {
        expect(y.dims).toEqual(x.dims);
        expect(y.type).toBe(x.type);
        if (p.kind === 'argmax' || p.kind === 'sign') expect(y.data).toEqual(x.data);
      }
    });
    await a.release();
    await b.release();
  });
});
