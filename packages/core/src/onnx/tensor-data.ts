/** Typed values out of (and into) ONNX tensors, little-endian whatever the host is. */
import type { OnnxTensor } from './onnx-model.js';
import { DATA_TYPE, DATA_TYPE_NAMES } from './onnx-schema.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export const dataTypeName = (t: number) => DATA_TYPE_NAMES[t] ?? `type ${t}`;

export function tensorElementCount(t: OnnxTensor): number {
  return t.dims.reduce((a, b) => a * b, 1);
}

/** A float32 tensor for an initializer: raw_data little-endian bytes (a view when the host is LE). */
export function float32Tensor(name: string, dims: number[], values: Float32Array): OnnxTensor {
  let raw: Uint8Array;
  if (LITTLE_ENDIAN) raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  else {
    raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  }
  return { name, dims, dataType: DATA_TYPE.FLOAT, raw };
}

export function int64Tensor(name: string, dims: number[], values: number[]): OnnxTensor {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims, dataType: DATA_TYPE.INT64, raw };
}

function checkCount(t: OnnxTensor, count: number, where: string): void {
  const want = tensorElementCount(t);
  if (count !== want) throw new Error(`${where}: tensor '${t.name}' holds ${count} values for dims [${t.dims.join(', ')}] (${want} expected)`);
}

/** The values of a float tensor (float32, float64 or float16) as float32. */
export function tensorFloats(t: OnnxTensor, where: string): Float32Array {
  if (t.external) throw new Error(`${where}: tensor '${t.name}' is stored in an external data file, which is not supported`);
  let out: Float32Array;
  if (t.dataType === DATA_TYPE.FLOAT) {
    if (t.raw) {
      if (t.raw.length % 4 !== 0) throw new Error(`${where}: tensor '${t.name}' has ${t.raw.length} raw bytes, not a multiple of 4`);
      out = new Float32Array(t.raw.length / 4);
      const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    } else out = Float32Array.from(t.floats ?? []);
  } else if (t.dataType === DATA_TYPE.DOUBLE) {
    if (t.raw) {
      const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
      out = new Float32Array(Math.floor(t.raw.length / 8));
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
    } else out = Float32Array.from(t.floats ?? []);
  } else if (t.dataType === DATA_TYPE.FLOAT16) {
    if (t.raw) {
      const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
      out = new Float32Array(t.raw.length >> 1);
      for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
    } else {
      // onnx.proto keeps non-raw float16 values in int32_data, one half per element (never spread:
      // a weight tensor is larger than the call stack allows as arguments).
      out = Float32Array.from(t.ints ?? [], halfToFloat);
    }
  } else {
    throw new Error(`${where}: tensor '${t.name}' is ${dataTypeName(t.dataType)}, expected a float tensor`);
  }
  checkCount(t, out.length, where);
  return out;
}

/** The values of an integer tensor (int64, int32, ...) as numbers; floats are accepted when integral. */
export function tensorInts(t: OnnxTensor, where: string): number[] {
  if (t.external) throw new Error(`${where}: tensor '${t.name}' is stored in an external data file, which is not supported`);
  let out: number[];
  if (t.dataType === DATA_TYPE.INT64 && t.raw) {
    const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
    out = Array.from({ length: Math.floor(t.raw.length / 8) }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  } else if (t.dataType === DATA_TYPE.INT32 && t.raw) {
    const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
    out = Array.from({ length: Math.floor(t.raw.length / 4) }, (_, i) => view.getInt32(i * 4, true));
  } else if (t.dataType === DATA_TYPE.INT64 || t.dataType === DATA_TYPE.INT32) {
    out = t.ints ?? [];
  } else {
    out = Array.from(tensorFloats(t, where));
  }
  checkCount(t, out.length, where);
  return out;
}

/** IEEE 754 half -> number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
