/**
 * Darknet .cfg and .weights files a user (or an upload) can get wrong on purpose or by
 * accident (issue 9): every numeric option is bounded and refused with its key and line
 * before anything is allocated; non-finite weights name the weights file and the layer;
 * unknown header versions are warnings that say how `seen` was read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDarknet, parseDarknetCfg, parseNames } from '../src/loaders/darknet/index.js';
import { writeDarknetWeights } from './helpers/darknet-weights.js';

const fixture = (p: string) => new URL(`../../../fixtures/${p}`, import.meta.url).pathname;
const TINY = readFileSync(fixture('shapes/shapes-yolov3-tiny.cfg'), 'utf8');

/** The one-line error loading `cfg` (and `weights`) gives, fast. */
function loadError(cfg: string, weights?: Uint8Array, extra: { classNames?: string[]; classNamesName?: string } = {}): string {
  const started = performance.now();
  try {
    loadDarknet({ cfg, cfgName: 'h.cfg', weights, weightsName: 'h.weights', ...extra });
  } catch (error) {
    expect(performance.now() - started).toBeLessThan(1000);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('loadDarknet accepted the files');
}

/** The line number of the first line matching `pattern` in `text` after replacing. */
const lineOf = (text: string, pattern: RegExp) => text.split('\n').findIndex((l) => pattern.test(l)) + 1;

describe('darknet .cfg options are bounded', () => {
  it('refuses absurd sizes with the key, the value and the line, before allocating', () => {
    const cases: Array<[string, string, RegExp, RegExp]> = [
      ['width=128', 'width=100000', /^width=/, /\[net\]: 'width=100000' must be in 1\.\.8192$/],
      ['channels=3', 'channels=1000', /^channels=/, /\[net\]: 'channels=1000' must be in 1\.\.64$/],
      ['filters=8', 'filters=1000000000', /^filters=1000000000/, /\[convolutional\] layer 0: 'filters=1000000000' must be in 1\.\.65536$/],
      ['size=3', 'size=100000', /^size=100000/, /\[convolutional\] layer 0: 'size=100000' must be in 1\.\.128$/],
      ['pad=1', 'padding=5000', /^padding=5000/, /\[convolutional\] layer 0: 'padding=5000' must be in 0\.\.128$/],
      ['stride=2', 'stride=0', /^stride=0/, /\[maxpool\] layer 1: 'stride=0' must be positive$/],
      ['classes=4', 'classes=100000', /^classes=100000/, /\[yolo\] layer \d+: 'classes=100000' must be in 1\.\.16384$/],
    ];
    for (const [from, to, line, message] of cases) {
      const cfg = TINY.replace(from, to);
      const error = loadError(cfg);
      expect(error).toMatch(message);
      expect(error.startsWith(`h.cfg:${lineOf(cfg, line)}: `)).toBe(true);
    }
    const upsample = TINY.replace(/\[upsample\]\nstride=2/, '[upsample]\nstride=1000');
    expect(loadError(upsample)).toMatch(/\[upsample\] layer \d+: 'stride=1000' must be in 1\.\.64$/);
  });

  it('refuses zero, negative and too many anchors with the anchors line', () => {
    const anchorsLine = lineOf(TINY, /^anchors/);
    expect(loadError(TINY.replace(/anchors *= *(\d+)/, 'anchors=-$1'))).toMatch(new RegExp(`^h\\.cfg:${anchorsLine}: \\[yolo\\] layer \\d+: 'anchors': value 1 \\(-\\d+\\) must be positive and at most 65536$`));
    expect(loadError(TINY.replace(/anchors *= *(\d+)/, 'anchors=0'))).toMatch(/'anchors': value 1 \(0\) must be positive/);
    const many = Array.from({ length: 5000 }, () => '10').join(',');
    expect(loadError(TINY.replace(/anchors *=.*/, `anchors=${many}`))).toMatch(/'anchors' lists 5000 values; at most 2048 are read/);
  });

  it('refuses a model whose parameters would not fit in memory, naming the conv, before allocating them', () => {
    const huge = TINY.replace('filters=16', 'filters=60000').replace('filters=32', 'filters=60000');
    const started = performance.now();
    const error = loadError(huge);
    expect(performance.now() - started).toBeLessThan(200);
    expect(error).toMatch(/^h\.cfg:\d+: \[convolutional\] layer 4: the model needs \d+ parameters up to here \(filters=60000, size=3, 60000 input channels\), more than the 67108864 allowed for seeded \(untrained\) weights; give the model's \.weights$/);
  });

  it('allows more parameters when they come from a .weights file, still within the model limit', () => {
    // 5000x5000x3x3 = 225M parameters: too many to make up, few enough to read (the file is checked next).
    const big = TINY.replace('filters=16', 'filters=5000').replace('filters=32', 'filters=5000');
    expect(loadError(big)).toMatch(/more than the 67108864 allowed for seeded \(untrained\) weights/);
    expect(loadError(big, new Uint8Array(20))).toMatch(/^h\.weights: expected \d+ bytes for h\.cfg/);
    const huge = TINY.replace('filters=16', 'filters=60000').replace('filters=32', 'filters=60000');
    expect(loadError(huge, new Uint8Array(20))).toMatch(/more than the 268435456 allowed$/);
  });

  it('refuses more layers than any real model has, before parsing them', () => {
    const many = TINY.replace('[yolo]', '[maxpool]\nsize=1\nstride=1\n\n'.repeat(10_000) + '[yolo]');
    expect(loadError(many)).toMatch(/^h\.cfg:\d+: more than 10000 layers \(100\d\d blocks after \[net\]\)$/);
  });

  it('escapes control bytes of a binary cfg in every message', () => {
    const block = loadError(TINY.replace('[maxpool]', '[max\x1b[31mpool\x07]'));
    expect(block).toContain('unknown block [max\\x1b[31mpool\\x07]');
    const value = loadError(TINY.replace('stride=2', 'stride=\x1b]0;title\x07'));
    expect(value).toContain("'stride=\\x1b]0' is not an integer");
    for (const message of [block, value]) expect(message).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(() => parseDarknetCfg('[net]\nwidth=1\x00\x01\n[maxpool]\n', 'bin.cfg')).toThrow(/bin\.cfg:2: \[net\]: 'width=1\\x00\\x01' is not an integer/);
  });
});

describe('darknet .weights values', () => {
  const written = () => writeDarknetWeights(TINY, { cfgName: 'h.cfg' });

  it('refuses NaN and infinite values, naming the weights file, the layer and its cfg line', () => {
    const nan = written();
    nan.layers[0].weights[68] = Number.NaN;
    expect(loadError(TINY, nan.bytes)).toBe(
      `h.weights: layer 'conv_0' ([convolutional] at h.cfg:${lineOf(TINY, /^\[convolutional\]/)}): weights: 1 of 216 values are not finite (the first, NaN, at index 68); the file is corrupt or was saved from a diverged training run`,
    );
    const inf = written();
    inf.layers[2].rollingMean![1] = Number.POSITIVE_INFINITY;
    expect(loadError(TINY, inf.bytes)).toMatch(/^h\.weights: layer 'conv_4' \(\[convolutional\] at h\.cfg:\d+\): batch norm means: 1 of 32 values are not finite \(the first, Infinity, at index 1\)/);
    const all = written();
    new Float32Array(all.bytes.buffer, 20).fill(Number.NaN);
    expect(loadError(TINY, all.bytes)).toMatch(/^h\.weights: layer 'conv_0' .*: biases: all 8 values are not finite/);
  });

  it('names the weights file for a negative variance and for batch norm that overflows float32 when folded', () => {
    const negative = written();
    negative.layers[1].rollingVariance![0] = -1;
    expect(loadError(TINY, negative.bytes)).toMatch(/^h\.weights: layer 'conv_2': batch norm variance -1 of filter 0 is negative/);
    const overflow = written();
    overflow.layers[0].scales![0] = 3e38;
    overflow.layers[0].rollingVariance![0] = 0;
    expect(loadError(TINY, overflow.bytes)).toMatch(/^h\.weights: layer 'conv_0' .*: folding batch norm into the weights overflows float32/);
  });

  it('refuses class names with control characters, with their line', () => {
    expect(() => parseNames('person\nbi\x1b[2Jcycle\n')).toThrow("line 2: class name 'bi\\x1b[2Jcycle' contains control characters");
    expect(parseNames('person\r\n\n  traffic light \n')).toEqual(['person', 'traffic light']);
  });

  it('names the class names, not the cfg, when their count is wrong', () => {
    expect(loadError(TINY, undefined, { classNames: ['a', 'b', 'c'], classNamesName: 'three.names' })).toBe('three.names: 3 class names given for a model with 4 classes');
  });
});

describe('darknet .weights header versions', () => {
  const load = (version: [number, number, number]) => loadDarknet({ cfg: TINY, cfgName: 'h.cfg', weights: writeDarknetWeights(TINY, { version }).bytes, weightsName: 'h.weights' });

  it('warns about a version darknet never wrote, saying how seen was read', () => {
    expect(load([9, 9, 0]).warnings).toEqual([
      "h.weights: unknown darknet weights version 9.9.0 (darknet writes 0.2.x); 'seen' was read as a 64-bit count (32013312), as darknet reads version 9.9, so the floats start at byte 20",
    ]);
    expect(load([0, 1, 0]).warnings).toEqual([
      "h.weights: unknown darknet weights version 0.1.0 (darknet writes 0.2.x); 'seen' was read as a 32-bit count (32013312), as darknet reads version 0.1, so the floats start at byte 16",
    ]);
  });

  it('does not warn about 0.2.x or seeded weights', () => {
    expect(load([0, 2, 0]).warnings).toEqual([]);
    expect(load([0, 2, 5]).warnings).toEqual([]);
    expect(loadDarknet({ cfg: TINY }).warnings).toEqual([]);
  });
});
