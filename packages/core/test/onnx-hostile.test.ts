/**
 * ONNX files edited to be hostile (issue 9): every attribute the importer reads is checked
 * before anything is computed from it, with one line naming the file and the node; nothing
 * loops (a stride of 0 used to spin forever) and non-finite values are refused.
 */
import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from '../src/onnx/decode-model.js';
import { encodeOnnxModel } from '../src/onnx/encode-model.js';
import { exportOnnx, importOnnx } from '../src/onnx/index.js';
import type { OnnxModel, OnnxNode } from '../src/onnx/onnx-model.js';
import { foreignModel } from './helpers/onnx-foreign.js';
import { yolov3Tiny } from './helpers/onnx-models.js';

const exported = exportOnnx(yolov3Tiny()).bytes;

/** Our export of yolov3-tiny with `edit` applied to its decoded model. */
function edited(edit: (m: OnnxModel, node: (op: string, k?: number) => OnnxNode) => void): Uint8Array {
  const m = decodeOnnxModel(exported)!;
  edit(m, (op, k = 0) => m.graph.nodes.filter((n) => n.opType === op)[k]);
  return encodeOnnxModel(m);
}

/** The one-line error importing `bytes` gives, within a second (never a hang). */
function importError(bytes: Uint8Array): string {
  const started = performance.now();
  try {
    importOnnx(bytes, 'hostile.onnx');
  } catch (error) {
    expect(performance.now() - started).toBeLessThan(1000);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith('hostile.onnx: ')).toBe(true);
    return message;
  }
  throw new Error('importOnnx accepted the file');
}

const ints = (value: number[]) => ({ type: 'ints' as const, value });

describe('importOnnx on hostile attributes', () => {
  it('refuses strides of 0 on a Conv and a MaxPool instead of looping forever', () => {
    expect(importError(edited((_m, node) => node('Conv').attributes.set('strides', ints([0, 0]))))).toBe(
      "hostile.onnx: Conv at node 'conv_0': strides [0, 0] must be integers in 1..128",
    );
    expect(importError(edited((_m, node) => node('MaxPool').attributes.set('strides', ints([0, 0]))))).toBe(
      "hostile.onnx: MaxPool at node 'maxpool_1': strides [0, 0] must be integers in 1..128",
    );
  });

  it('refuses kernels of 0, negative and absurd pads, and absurd upsampling factors', () => {
    expect(importError(edited((_m, node) => node('MaxPool').attributes.set('kernel_shape', ints([0, 0]))))).toMatch(/MaxPool at node 'maxpool_1': kernel_shape \[0, 0\] must be integers in 1\.\.128/);
    expect(importError(edited((_m, node) => node('Conv').attributes.set('pads', ints([5000, 5000, 5000, 5000]))))).toMatch(/Conv at node 'conv_0': pads \[5000, 5000, 5000, 5000\] must be integers in 0\.\.128/);
    expect(importError(edited((_m, node) => node('Conv').attributes.set('pads', ints([-1, 0, 0, 0]))))).toMatch(/pads \[-1, 0, 0, 0\] must be/);
    const upsampled = edited((m, node) => {
      const scales = m.graph.initializers.find((t) => t.name === node('Resize').inputs[2])!;
      scales.raw = new Uint8Array(Float32Array.of(1, 1, 100000, 100000).buffer);
    });
    expect(importError(upsampled)).toMatch(/Resize at node '[^']+': an upsampling factor of 100000 is more than 64/);
  });

  it('refuses an input of absurd size', () => {
    const huge = edited((m) => (m.graph.inputs[0].dims = [1, 3, 1_000_000_000, 1_000_000_000]));
    expect(importError(huge)).toMatch(/input '[^']+' is 1000000000x1000000000 pixels; the limit is 8192x8192/);
  });

  it('refuses a NaN LeakyRelu slope and NaN weights, naming the layer', () => {
    // Our metadata keeps the exact slope (0.1), which must not hide the attribute's NaN.
    const slope = edited((_m, node) => node('LeakyRelu').attributes.set('alpha', { type: 'float', value: Number.NaN }));
    expect(importError(slope)).toMatch(/layer 'leaky_0' \(activation\): the slope \(alpha\) NaN is not finite/);
    const weights = edited((m, node) => {
      const w = m.graph.initializers.find((t) => t.name === node('Conv', 2).inputs[1])!;
      const values = new Float32Array(Uint8Array.prototype.slice.call(w.raw!).buffer);
      values[3] = Number.NaN;
      w.raw = new Uint8Array(values.buffer);
    });
    expect(importError(weights)).toMatch(/layer 'conv_4' \(conv\): weights: 1 of \d+ values are not finite \(the first, NaN, at index 3\)/);
  });

  it('escapes control characters of node names from the file', () => {
    const named = edited((_m, node) => {
      const conv = node('Conv');
      conv.name = 'conv\x1b]0;owned\x07';
      conv.attributes.set('strides', ints([0, 0]));
    });
    const message = importError(named);
    expect(message).toContain("Conv at node 'conv\\x1b]0;owned\\x07'");
    expect(message).not.toMatch(/[\x00-\x1f]/);
  });
});

describe('importOnnx warnings', () => {
  it('warns when keras-yolo3 default anchors are assumed for a model without our metadata', () => {
    const { warnings } = importOnnx(foreignModel().bytes, 'foreign.onnx');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^foreign\.onnx: the file carries no anchors, so keras-yolo3's defaults for 2 heads were assumed \(head 0: 81,82 135,169 344,319; head 1: 23,27 37,58 81,82\)/);
    expect(warnings[0]).toMatch(/pass those with --anchors/);
  });

  it('does not warn when the anchors are given or travel in our metadata', () => {
    const anchors: Array<Array<[number, number]>> = [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]];
    expect(importOnnx(foreignModel().bytes, 'foreign.onnx', { anchors }).warnings).toEqual([]);
    expect(importOnnx(exported, 'ours.onnx').warnings).toEqual([]);
  });

  it('refuses non-positive anchors passed in', () => {
    const anchors: Array<Array<[number, number]>> = [[[1, 2], [3, -4], [5, 6]], [[7, 8], [9, 10], [11, 12]]];
    expect(() => importOnnx(foreignModel().bytes, 'foreign.onnx', { anchors })).toThrow(/foreign\.onnx: layer '[^']+' \(yolo\): anchor 1 \(3,-4\) must have a width and height in \(0, 65536\]/);
  });
});
