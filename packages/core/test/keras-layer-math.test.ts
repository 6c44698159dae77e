import { describe, expect, it } from 'vitest';
import { foldBatchNorm, hwioToOihw, intPair, tfSamePads, zeroPaddingPads } from '../src/loaders/keras/layer-math.js';
import { kerasSnakeCase } from '../src/loaders/keras/weights.js';

describe('Keras layer arithmetic', () => {
  it('TF same padding puts the odd pixel after', () => {
    expect(tfSamePads([3, 3], [1, 1])).toEqual({ top: 1, left: 1, bottom: 1, right: 1 });
    expect(tfSamePads([3, 3], [2, 2])).toEqual({ top: 0, left: 0, bottom: 1, right: 1 });
    expect(tfSamePads([2, 2], [1, 1])).toEqual({ top: 0, left: 0, bottom: 1, right: 1 });
    expect(tfSamePads([2, 2], [2, 2])).toEqual({ top: 0, left: 0, bottom: 0, right: 0 });
    expect(tfSamePads([1, 5], [1, 1])).toEqual({ top: 0, left: 2, bottom: 0, right: 2 });
  });

  it('ZeroPadding2D accepts n, [h, w] and [[top, bottom], [left, right]]', () => {
    expect(zeroPaddingPads(2)).toEqual({ top: 2, left: 2, bottom: 2, right: 2 });
    expect(zeroPaddingPads([1, 3])).toEqual({ top: 1, bottom: 1, left: 3, right: 3 });
    expect(zeroPaddingPads([[1, 0], [1, 0]])).toEqual({ top: 1, bottom: 0, left: 1, right: 0 });
    expect(zeroPaddingPads([[1], [2]])).toBeUndefined();
    expect(intPair(3)).toEqual([3, 3]);
    expect(intPair([2, 1])).toEqual([2, 1]);
    expect(intPair('x')).toBeUndefined();
  });

  it('HWIO kernels become OIHW', () => {
    // kh=1, kw=2, in=2, out=3; value encodes (x, c, o) as 100x + 10c + o.
    const data = new Float32Array(12);
    for (let x = 0; x < 2; x++) for (let c = 0; c < 2; c++) for (let o = 0; o < 3; o++) data[(x * 2 + c) * 3 + o] = 100 * x + 10 * c + o;
    const oihw = hwioToOihw({ shape: [1, 2, 2, 3], data });
    // OIHW index ((o*2 + c)*1 + 0)*2 + x
    expect(Array.from(oihw)).toEqual([0, 100, 10, 110, 1, 101, 11, 111, 2, 102, 12, 112]);
  });

  it('batch norm folds as w*gamma/sqrt(var+eps), (b-mean)*gamma/sqrt(var+eps)+beta', () => {
    const folded = foldBatchNorm(new Float32Array([1, 2, 3, 4]), new Float32Array([0.5, 0]), {
      gamma: new Float32Array([2, 1]),
      beta: new Float32Array([1, -1]),
      mean: new Float32Array([0.5, 1]),
      variance: new Float32Array([3, 0.25]),
      epsilon: 1,
    });
    // filter 0: scale 2/2 = 1; filter 1: scale 1/sqrt(1.25)
    const s1 = 1 / Math.sqrt(1.25);
    expect(Array.from(folded.weights)).toEqual([1, 2, 3 * s1, 4 * s1].map(Math.fround));
    expect(Array.from(folded.bias)).toEqual([1, -s1 - 1].map(Math.fround));
    const noScale = foldBatchNorm(new Float32Array([1]), new Float32Array([0]), { mean: new Float32Array([1]), variance: new Float32Array([4]), epsilon: 0 });
    expect(Array.from(noScale.weights)).toEqual([0.5]);
    expect(Array.from(noScale.bias)).toEqual([-0.5]);
  });

  it('names .keras weight folders like Keras does', () => {
    expect(['Conv2D', 'BatchNormalization', 'LeakyReLU', 'UpSampling2D', 'MaxPooling2D', 'InputLayer'].map(kerasSnakeCase)).toEqual([
      'conv2d', 'batch_normalization', 'leaky_re_lu', 'up_sampling2d', 'max_pooling2d', 'input_layer',
    ]);
  });
});
