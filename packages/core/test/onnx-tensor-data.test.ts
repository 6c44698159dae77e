import { describe, expect, it } from 'vitest';
import type { OnnxTensor } from '../src/onnx/onnx-model.js';
import { DATA_TYPE } from '../src/onnx/onnx-schema.js';
import { tensorFloats } from '../src/onnx/tensor-data.js';

describe('float16 tensors', () => {
  // 1.0, -2.0, 0.5, the smallest subnormal, +infinity
  const halves = [0x3c00, 0xc000, 0x3800, 0x0001, 0x7c00];
  const expected = [1, -2, 0.5, 2 ** -24, Infinity];

  it('read from raw_data and from int32_data give the same values', () => {
    const raw = new Uint8Array(new Uint16Array(halves).buffer);
    const fromRaw: OnnxTensor = { name: 'h', dims: [5], dataType: DATA_TYPE.FLOAT16, raw };
    const fromInts: OnnxTensor = { name: 'h', dims: [5], dataType: DATA_TYPE.FLOAT16, ints: halves };
    expect(Array.from(tensorFloats(fromRaw, 'test'))).toEqual(expected);
    expect(Array.from(tensorFloats(fromInts, 'test'))).toEqual(expected);
  });

  it('a weight-sized tensor in int32_data (more values than a call can take as arguments)', () => {
    const count = 3 * 3 * 256 * 512;
    const t: OnnxTensor = { name: 'w', dims: [512, 256, 3, 3], dataType: DATA_TYPE.FLOAT16, ints: new Array<number>(count).fill(0x3c00) };
    const values = tensorFloats(t, 'test');
    expect(values.length).toBe(count);
    expect(values.every((v) => v === 1)).toBe(true);
  });
});
