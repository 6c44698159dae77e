/**
 * A minimal protobuf wire-format reader. It never trusts a length: every read is checked
 * against the end of the enclosing message, so truncated or random bytes end in a
 * ProtoFormatError instead of garbage or a hang.
 */
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobuf-writer.js';

export class ProtoFormatError extends Error {}

const TEXT = new TextDecoder('utf-8', { fatal: true });

export interface ProtoField {
  field: number;
  wireType: number;
}

export class ProtoReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  next(): ProtoField {
    const key = this.varint();
    // A key is a uint32: field numbers end at 2^29 - 1.
    if (key < 0 || key > 0xffffffff) throw this.error(`invalid field key ${key}`);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) throw this.error('field number 0');
    if (wireType !== WIRE_VARINT && wireType !== WIRE_FIXED64 && wireType !== WIRE_LENGTH_DELIMITED && wireType !== WIRE_FIXED32) {
      throw this.error(`unsupported wire type ${wireType}`);
    }
    return { field, wireType };
  }

  /** A varint as a JS number: int64 values outside ±2^53 are rejected, negatives decoded as int64. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.error('truncated varint');
      const byte = this.buf[this.pos++];
      // From the 8th byte on the value may pass 2^53: finish in BigInt.
      if (i >= 7) return this.bigVarintTail(result, scale, byte, i);
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
    throw this.error('varint longer than 10 bytes');
  }

  float32(): number {
    const view = this.take(4);
    return new DataView(view.buffer, view.byteOffset, 4).getFloat32(0, true);
  }

  float64(): number {
    const view = this.take(8);
    return new DataView(view.buffer, view.byteOffset, 8).getFloat64(0, true);
  }

  /** A length-delimited payload, as a view into the buffer (no copy). */
  bytes(): Uint8Array {
    return this.take(this.varint());
  }

  string(): string {
    try {
      return TEXT.decode(this.bytes());
    } catch (error) {
      if (error instanceof ProtoFormatError) throw error;
      throw this.error('invalid UTF-8 in a string field');
    }
  }

  /** A reader over a nested message. */
  message(): ProtoReader {
    const length = this.varint();
    const start = this.pos;
    this.take(length);
    return new ProtoReader(this.buf, start, start + length);
  }

  /** Repeated varints, packed (wire type 2) or one at a time (wire type 0). */
  varints(wireType: number, into: number[]): void {
    if (wireType === WIRE_VARINT) {
      into.push(this.varint());
      return;
    }
    this.expect(wireType, WIRE_LENGTH_DELIMITED);
    const inner = this.message();
    while (!inner.done) into.push(inner.varint());
  }

  /** Repeated floats, packed or not. */
  floats(wireType: number, into: number[]): void {
    if (wireType === WIRE_FIXED32) {
      into.push(this.float32());
      return;
    }
    this.expect(wireType, WIRE_LENGTH_DELIMITED);
    const inner = this.message();
    while (!inner.done) into.push(inner.float32());
  }

  /** Repeated doubles, packed or not. */
  doubles(wireType: number, into: number[]): void {
    if (wireType === WIRE_FIXED64) {
      into.push(this.float64());
      return;
    }
    this.expect(wireType, WIRE_LENGTH_DELIMITED);
    const inner = this.message();
    while (!inner.done) into.push(inner.float64());
  }

  /** Skip a field we do not need. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.take(8);
        return;
      case WIRE_FIXED32:
        this.take(4);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.take(this.varint());
        return;
      default:
        throw this.error(`unsupported wire type ${wireType}`);
    }
  }

  /** Fail when a known field arrives with the wrong wire type (a sign of corruption). */
  expect(wireType: number, want: number): void {
    if (wireType !== want) throw this.error(`wire type ${wireType} where ${want} was expected`);
  }

  private take(length: number): Uint8Array {
    if (length < 0) throw this.error(`negative length ${length}`);
    if (this.pos + length > this.end) throw this.error(`truncated: ${length} bytes needed, ${this.end - this.pos} left`);
    const view = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  // The rare 64-bit case (negative int64 or huge values): finish with BigInt and convert.
  private bigVarintTail(low: number, scale: number, byte: number, index: number): number {
    let value = BigInt(low) + BigInt(byte & 0x7f) * BigInt(scale);
    let shift = BigInt(7 * (index + 1));
    let last = byte;
    for (let i = index + 1; last >= 0x80; i++) {
      if (i >= 10) throw this.error('varint longer than 10 bytes');
      if (this.pos >= this.end) throw this.error('truncated varint');
      last = this.buf[this.pos++];
      value += BigInt(last & 0x7f) << shift;
      shift += 7n;
    }
    const signed = BigInt.asIntN(64, value);
    if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw this.error(`integer ${signed} is too large`);
    }
    return Number(signed);
  }

  private error(what: string): ProtoFormatError {
    return new ProtoFormatError(`${what} at byte ${this.pos}`);
  }
}
