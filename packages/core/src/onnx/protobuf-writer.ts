/**
 * A minimal protobuf wire-format writer: just what encoding an ONNX model needs. A message is
 * kept as a list of byte chunks and nested messages are appended by reference, so large tensor
 * payloads are copied once, into the final buffer.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

const TEXT = new TextEncoder();

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private scratch: number[] = [];
  /** Total bytes written so far. */
  length = 0;

  /** Unsigned or signed integer as a varint (int32/int64/enum/bool); negatives take 10 bytes like int64. */
  varint(field: number, value: number | boolean): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(typeof value === 'boolean' ? Number(value) : value);
    return this;
  }

  fixed32Float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  fixed64Double(field: number, value: number): this {
    this.tag(field, WIRE_FIXED64);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    this.push(bytes);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(data.length);
    this.push(data);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, TEXT.encode(text));
  }

  /** A nested message: its chunks are appended without copying. */
  message(field: number, sub: ProtoWriter): this {
    sub.flushScratch();
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(sub.length);
    for (const part of sub.parts) this.push(part);
    return this;
  }

  /** Packed repeated int64/int32 (one length-delimited field of varints). */
  packedVarints(field: number, values: readonly number[]): this {
    const packed = new ProtoWriter();
    for (const v of values) packed.rawVarint(v);
    packed.flushScratch();
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(packed.length);
    for (const part of packed.parts) this.push(part);
    return this;
  }

  /** Packed repeated float (fixed32 each). */
  packedFloats(field: number, values: readonly number[]): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.bytes(field, bytes);
  }

  /** The encoded message as one buffer. */
  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`protobuf: ${value} is not an integer that can be encoded exactly`);
    if (value < 0) {
      // Two's complement over 64 bits, as protobuf encodes negative int32/int64.
      let v = BigInt.asUintN(64, BigInt(value));
      while (v >= 0x80n) {
        this.scratchByte(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.scratchByte(Number(v));
      return;
    }
    let v = value;
    while (v >= 0x80) {
      this.scratchByte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.scratchByte(v);
  }

  // Small writes collect in a scratch list so a tensor's header does not become many tiny chunks.
  private scratchByte(byte: number): void {
    this.scratch.push(byte);
    this.length++;
  }

  private push(bytes: Uint8Array): void {
    this.flushScratch();
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.parts.push(Uint8Array.from(this.scratch));
    this.scratch = [];
  }
}
