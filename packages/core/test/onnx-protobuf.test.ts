import { describe, expect, it } from 'vitest';
import { ProtoFormatError, ProtoReader } from '../src/onnx/protobuf-reader.js';
import { ProtoWriter, WIRE_FIXED32, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from '../src/onnx/protobuf-writer.js';

describe('protobuf wire format', () => {
  it('encodes varints as protobuf does (known bytes)', () => {
    expect(Array.from(new ProtoWriter().varint(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    // int64 -1: ten bytes of two's complement.
    expect(Array.from(new ProtoWriter().varint(1, -1).finish())).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(Array.from(new ProtoWriter().string(2, 'testing').finish())).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect(Array.from(new ProtoWriter().packedVarints(4, [3, 270, 86942]).finish())).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
  });

  it('reads back what it writes, nested messages and packed fields included', () => {
    const values = [0, 1, 127, 128, 2 ** 31, 2 ** 53 - 1, -1, -(2 ** 40)];
    const inner = new ProtoWriter().packedVarints(1, values).packedFloats(2, [1.5, -0.25]).fixed32Float(3, 0.1);
    const bytes = new ProtoWriter().varint(1, 7).message(2, inner).string(3, 'héllo').finish();
    const r = new ProtoReader(bytes);
    expect(r.next()).toEqual({ field: 1, wireType: WIRE_VARINT });
    expect(r.varint()).toBe(7);
    expect(r.next()).toEqual({ field: 2, wireType: WIRE_LENGTH_DELIMITED });
    const m = r.message();
    const ints: number[] = [];
    const floats: number[] = [];
    m.varints(m.next().wireType, ints);
    m.floats(m.next().wireType, floats);
    expect(m.next()).toEqual({ field: 3, wireType: WIRE_FIXED32 });
    expect(m.float32()).toBe(Math.fround(0.1));
    expect(m.done).toBe(true);
    expect(ints).toEqual(values);
    expect(floats).toEqual([1.5, -0.25]);
    r.next();
    expect(r.string()).toBe('héllo');
    expect(r.done).toBe(true);
  });

  it('fails cleanly on truncation instead of reading past the end', () => {
    const bytes = new ProtoWriter().bytes(1, new Uint8Array(100)).finish();
    const r = new ProtoReader(bytes.subarray(0, 50));
    r.next();
    let caught: unknown;
    try {
      r.bytes();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtoFormatError);
    expect((caught as Error).message).toBe("truncated: 100 bytes needed, 48 left at byte 2");
    expect(() => new ProtoReader(Uint8Array.of(0x96)).varint()).toThrow(/truncated varint/);
    expect(() => new ProtoReader(Uint8Array.of(0x0b)).next()).toThrow(/wire type 3/);
  });
});
