import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from '../src/onnx/decode-model.js';
import { encodeOnnxModel } from '../src/onnx/encode-model.js';
import { exportOnnx } from '../src/onnx/index.js';
import { ProtoFormatError, ProtoReader } from '../src/onnx/protobuf-reader.js';
import { ProtoWriter, WIRE_FIXED32, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from '../src/onnx/protobuf-writer.js';
import { everyKindGraph } from './helpers/onnx-models.js';

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

/** The ProtoFormatError that decoding these bytes throws (anything else fails the test). */
function decodeError(bytes: Uint8Array): string {
  try {
    decodeOnnxModel(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtoFormatError);
    return (error as Error).message;
  }
  throw new Error('decodeOnnxModel accepted the bytes');
}

const IR_VERSION_7 = [0x08, 0x07];
const graphOf = (graph: ProtoWriter) => new ProtoWriter().varint(1, 7).message(7, graph).finish();

describe('malformed ONNX protobuf: a ProtoFormatError that names the problem and its byte', () => {
  it('varints: longer than 10 bytes, cut off, an integer past 2^53, a field key past uint32', () => {
    expect(decodeError(Uint8Array.of(0x08, ...new Array<number>(10).fill(0xff), 0x01))).toBe('varint longer than 10 bytes at byte 11');
    expect(decodeError(Uint8Array.of(0x08, 0x96))).toBe('truncated varint at byte 2');
    // ir_version = 2^63 - 1
    expect(decodeError(Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))).toBe('integer 9223372036854775807 is too large at byte 10');
    expect(decodeError(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x10, 0x00))).toBe('invalid field key 4294967296 at byte 5');
    expect(decodeError(Uint8Array.of(0x02, 0x00, ...IR_VERSION_7))).toBe('field number 0 at byte 1');
  });

  it('a known field with the wrong wire type', () => {
    expect(decodeError(new ProtoWriter().varint(1, 7).varint(7, 5).finish())).toBe('wire type 0 where 2 was expected at byte 3');
    // NodeProto.name (3) as a fixed32
    expect(decodeError(graphOf(new ProtoWriter().message(1, new ProtoWriter().fixed32Float(3, 1))))).toBe('wire type 5 where 2 was expected at byte 7');
    // TensorProto.dims (1) as a fixed64
    expect(decodeError(graphOf(new ProtoWriter().message(5, new ProtoWriter().fixed64Double(1, 1))))).toBe('wire type 1 where 2 was expected at byte 7');
    // wire types 3 and 4 (groups) are refused even in unknown fields, so nesting them cannot recurse
    expect(decodeError(Uint8Array.of(...IR_VERSION_7, ...new Array<number>(100_000).fill(0x7b)))).toBe('unsupported wire type 3 at byte 3');
    expect(decodeError(Uint8Array.of(...IR_VERSION_7, 0x0e))).toBe('unsupported wire type 6 at byte 3');
  });

  it('lengths past the end or negative are refused before anything is allocated', () => {
    // ModelProto.graph claiming 2 GiB with 10 bytes left
    expect(decodeError(Uint8Array.of(...IR_VERSION_7, 0x3a, 0x80, 0x80, 0x80, 0x80, 0x08, ...new Array<number>(10).fill(0)))).toBe('truncated: 2147483648 bytes needed, 10 left at byte 8');
    expect(decodeError(Uint8Array.of(...IR_VERSION_7, 0x3a, ...new Array<number>(9).fill(0xff), 0x01))).toBe('negative length -1 at byte 13');
    // packed float_data of 5 bytes: the fifth byte is a truncated float
    expect(decodeError(graphOf(new ProtoWriter().message(5, new ProtoWriter().varint(2, 1).bytes(4, Uint8Array.of(0, 0, 0x80, 0x3f, 0)))))).toBe('truncated: 4 bytes needed, 1 left at byte 14');
  });

  it('a string field that is not UTF-8', () => {
    expect(decodeError(graphOf(new ProtoWriter().message(1, new ProtoWriter().bytes(3, Uint8Array.of(0xff, 0xfe)).string(4, 'Conv'))))).toBe('invalid UTF-8 in a string field at byte 10');
  });

  it('every truncation and every single-byte change of a model ends in a model, undefined or a ProtoFormatError', () => {
    const good = encodeOnnxModel(decodeOnnxModel(exportOnnx(everyKindGraph()).bytes)!);
    const outcomes = new Set<string>();
    const attempt = (bytes: Uint8Array) => {
      try {
        outcomes.add(decodeOnnxModel(bytes) ? 'model' : 'undefined');
      } catch (error) {
        if (!(error instanceof ProtoFormatError)) throw error;
        outcomes.add('error');
      }
    };
    for (let length = 0; length < good.length; length++) attempt(good.subarray(0, length));
    const changed = good.slice();
    for (let i = 0; i < good.length; i++) {
      for (const flip of [0x80, 0xff]) {
        changed[i] = good[i] ^ flip;
        attempt(changed);
      }
      changed[i] = good[i];
    }
    expect(outcomes).toEqual(new Set(['model', 'undefined', 'error']));
  });
});
