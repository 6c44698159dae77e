import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/graph/index.js';
import { estimateRunBytes, largestBatchWithin, modelMemory } from '../src/runtime/index.js';

/** input 3 ch -> conv 3x3 8 ch (pads 1) -> leaky -> maxpool 2/2 -> conv 1x1 to one head. */
function small(pool = 2, poolStride = 2) {
  const b = new GraphBuilder();
  const c = b.conv('conv_0', 0, { filters: 8, channels: 3, kernel: 3, pads: 1, weights: new Float32Array(8 * 3 * 9), bias: new Float32Array(8) });
  const a = b.activation('leaky_0', c, 'leaky', 0.1);
  const p = b.maxpool('pool_0', a, pool, poolStride);
  const h = b.conv('conv_1', p, { filters: 3 * 6, channels: 8, kernel: 1, weights: new Float32Array(18 * 8), bias: new Float32Array(18) });
  b.yolo('yolo_0', h, [[4, 4], [8, 8], [16, 16]], 1);
  return b.build({ inputSize: [16, 16], source: 'test' });
}

describe('modelMemory', () => {
  it('counts every node output, the padded copies beyond their inputs, the largest im2col and the weights', () => {
    const m = modelMemory(small(), [16, 16]);
    // input 16x16x3, conv 16x16x8, leaky 16x16x8, pool 8x8x8, conv 8x8x18, yolo 8x8x18.
    expect(m.activationBytes).toBe(4 * (768 + 2048 + 2048 + 512 + 1152 + 1152));
    // conv_0 pads 16x16x3 to 18x18x3; darknet's 2/2 pool pads 16x16x8 to 17x17x8.
    expect(m.paddingBytes).toBe(4 * (18 * 18 * 3 - 768 + 17 * 17 * 8 - 2048));
    // conv_0: 3 channels x 3x3 kernel x 16x16 outputs.
    expect(m.scratchBytes).toBe(4 * 3 * 9 * 256);
    expect(m.weightBytes).toBe(4 * (8 * 27 + 8 + 18 * 8 + 18));
    expect(m.largest).toMatchObject({ name: 'conv_0', shape: [16, 16, 8] });
    expect(m.largestPadding).toMatchObject({ name: 'pool_0', shape: [17, 17, 8] });
  });

  it('scales activations with the input area', () => {
    const at16 = modelMemory(small(), [16, 16]);
    const at64 = modelMemory(small(), [64, 64]);
    expect(at64.activationBytes).toBe(16 * at16.activationBytes);
    expect(at64.weightBytes).toBe(at16.weightBytes);
  });

  it('sees a large pool window in its padded input, not in its output', () => {
    // Darknet pads a 128 window at stride 1 by 127: the output stays 16x16, the padded input is 143x143.
    const m = modelMemory(small(128, 1), [16, 16]);
    expect(m.largest).toMatchObject({ name: 'conv_1', shape: [16, 16, 18] }); // the head, not the pool
    expect(m.largestPadding).toMatchObject({ name: 'pool_0', shape: [16 + 127, 16 + 127, 8] });
    expect(m.paddingBytes).toBeGreaterThan(m.activationBytes);
  });
});

describe('estimateRunBytes and largestBatchWithin', () => {
  const m = modelMemory(small(), [16, 16]);

  it('counts a gradient run as three copies per image by default, a forward as one and a half', () => {
    const fixed = 3 * m.weightBytes + m.scratchBytes;
    expect(estimateRunBytes(m, { batch: 4, gradients: true })).toBe(fixed + 4 * (2 * m.activationBytes + m.paddingBytes) + 4 * m.activationBytes);
    expect(estimateRunBytes(m, { batch: 4, gradients: false })).toBe(fixed + 4 * (1.5 * m.activationBytes + m.paddingBytes));
  });

  it('holds a call of imagesPerCall images plus the tape of the whole batch when a runtime splits it', () => {
    const fixed = 3 * m.weightBytes + m.scratchBytes;
    expect(estimateRunBytes(m, { batch: 8, gradients: true, imagesPerCall: 2, callCopies: 10, tapeCopies: 1.5 })).toBe(fixed + 2 * (10 * m.activationBytes + m.paddingBytes) + 8 * 1.5 * m.activationBytes);
    expect(estimateRunBytes(m, { batch: 8, gradients: true, imagesPerCall: 2, callCopies: 1.75, tapeCopies: 0, largestCopies: 25, fixedBytes: 900 })).toBe(
      900 + fixed + 2 * (1.75 * m.activationBytes + 25 * m.largest.bytes + m.paddingBytes),
    );
  });

  it('finds the largest batch within a budget, and 0 when one image does not fit', () => {
    const options = { batch: 64, gradients: true };
    const budget = estimateRunBytes(m, { ...options, batch: 10 }) + 1;
    expect(largestBatchWithin(m, options, budget)).toBe(10);
    expect(largestBatchWithin(m, { ...options, batch: 5 }, budget)).toBe(5);
    expect(largestBatchWithin(m, options, estimateRunBytes(m, { ...options, batch: 1 }) - 1)).toBe(0);
  });
});
