// encodeDarknetWeights is the exact inverse of readDarknetWeights (header, batch norm and plain convs).
import { describe, expect, it } from 'vitest';
import { darknetConvShapes, encodeDarknetWeights, parseDarknetCfg, readDarknetWeights } from '../src/loaders/index.js';

const CFG = `[net]\nwidth=16\nheight=16\nchannels=3\n\n[convolutional]\nbatch_normalize=1\nfilters=2\nsize=3\nstride=1\npad=1\nactivation=leaky\n\n[convolutional]\nfilters=3\nsize=1\nstride=1\nactivation=linear\n`;

describe('encodeDarknetWeights', () => {
  const convs = darknetConvShapes(parseDarknetCfg(CFG, 'w.cfg'));
  const ramp = (n: number, start: number) => Float32Array.from({ length: n }, (_, k) => start + k * 0.25);
  const params = [
    { biases: ramp(2, 1), batchNorm: { scales: ramp(2, 2), rollingMean: ramp(2, -1), rollingVariance: ramp(2, 0.5) }, weights: ramp(2 * 3 * 9, -3) },
    { biases: ramp(3, 7), weights: ramp(3 * 2, 0.1) },
  ];

  it('round-trips through readDarknetWeights with a 64-bit seen', () => {
    const bytes = encodeDarknetWeights(convs, params, 2 ** 33 + 5);
    expect(bytes.length).toBe(20 + 4 * (2 * 4 + 54 + 3 + 6));
    const read = readDarknetWeights(bytes, convs, { weightsName: 'w.weights', cfgName: 'w.cfg' });
    expect(read.header).toMatchObject({ major: 0, minor: 2, seen: 2 ** 33 + 5, byteLength: 20 });
    expect(read.params).toEqual(params);
  });

  it('reads from a Node Buffer that is a view into a larger memory (as readFile may return)', () => {
    const bytes = encodeDarknetWeights(convs, params, 7);
    const view = Buffer.concat([Buffer.alloc(12, 0xff), Buffer.from(bytes)]).subarray(12);
    expect(view.byteOffset).toBeGreaterThan(0);
    expect(readDarknetWeights(view, convs, { weightsName: 'w.weights', cfgName: 'w.cfg' }).params).toEqual(params);
  });

  it('refuses parameters that do not fit the cfg', () => {
    expect(() => encodeDarknetWeights(convs, params.slice(0, 1))).toThrow(/1 parameter sets for 2 conv layers/);
    expect(() => encodeDarknetWeights(convs, [params[0], { biases: ramp(3, 0), weights: ramp(5, 0) }])).toThrow(/conv layer 1: weights has 5 floats, expected 6/);
    expect(() => encodeDarknetWeights(convs, [{ biases: ramp(2, 0), weights: ramp(54, 0) }, params[1]])).toThrow(/batch_normalize=1 but no batch norm/);
  });
});
