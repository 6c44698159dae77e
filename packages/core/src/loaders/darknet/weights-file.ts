/**
 * Darknet's .weights byte layout: int32 major, minor, revision; `seen` as uint64 when
 * major*10+minor >= 2 (and major, minor < 1000), else uint32; then for each conv layer in
 * cfg order: biases[filters], and with batch norm scales, rolling_mean, rolling_variance
 * [filters each]; then weights[filters*(channels/groups)*size*size] (OIHW). Float32 little-endian.
 */
import { convStoredFloats, type DarknetConvShape } from './layer-channels.js';
import type { DarknetConvParams } from './types.js';

export interface DarknetWeightsHeader {
  major: number;
  minor: number;
  revision: number;
  /** Images seen in training (a Number: exact up to 2^53). */
  seen: number;
  /** Bytes before the first float: 16 or 20. */
  byteLength: number;
}

/** Whether this version stores `seen` as 64 bits (darknet's own test, in parser.c). */
export function seenIs64Bit(major: number, minor: number): boolean {
  return major * 10 + minor >= 2 && major < 1000 && minor < 1000;
}

export function readDarknetHeader(bytes: Uint8Array, weightsName: string): DarknetWeightsHeader {
  if (bytes.length < 16) throw new Error(`${weightsName}: ${bytes.length} bytes is too short for a darknet weights header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = view.getInt32(0, true);
  const minor = view.getInt32(4, true);
  const revision = view.getInt32(8, true);
  if (seenIs64Bit(major, minor)) {
    if (bytes.length < 20) throw new Error(`${weightsName}: ${bytes.length} bytes is too short for a darknet ${major}.${minor} header`);
    const seen = view.getUint32(12, true) + view.getUint32(16, true) * 2 ** 32;
    return { major, minor, revision, seen, byteLength: 20 };
  }
  return { major, minor, revision, seen: view.getUint32(12, true), byteLength: 16 };
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Copy `count` little-endian floats starting at `offset` into a new array. */
function readFloats(bytes: Uint8Array, offset: number, count: number): Float32Array {
  // Uint8Array's own slice always copies; a Node Buffer's slice is a view into a (possibly
  // pooled, larger) ArrayBuffer, whose .buffer would start somewhere else entirely.
  if (littleEndian) return new Float32Array(Uint8Array.prototype.slice.call(bytes, offset, offset + count * 4).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
  const out = new Float32Array(count);
  for (let k = 0; k < count; k++) out[k] = view.getFloat32(k * 4, true);
  return out;
}

/**
 * Read every conv layer's stored parameters. The file size must match the cfg exactly: a
 * mismatch almost always means weights for a different cfg, so it is an error, not a warning.
 */
export function readDarknetWeights(
  bytes: Uint8Array,
  convs: DarknetConvShape[],
  names: { weightsName: string; cfgName: string },
): { header: DarknetWeightsHeader; params: DarknetConvParams[] } {
  const header = readDarknetHeader(bytes, names.weightsName);
  const floats = convs.reduce((sum, c) => sum + convStoredFloats(c), 0);
  const expected = header.byteLength + floats * 4;
  if (bytes.length !== expected) {
    throw new Error(
      `${names.weightsName}: expected ${expected} bytes for ${names.cfgName} (a ${header.byteLength}-byte header + ${floats} floats for ${convs.length} conv layers), found ${bytes.length} bytes`,
    );
  }
  let offset = header.byteLength;
  const take = (count: number) => {
    const out = readFloats(bytes, offset, count);
    offset += count * 4;
    return out;
  };
  const params = convs.map(({ layer, channels }): DarknetConvParams => {
    const n = layer.filters;
    const biases = take(n);
    const batchNorm = layer.batchNormalize ? { scales: take(n), rollingMean: take(n), rollingVariance: take(n) } : undefined;
    const weights = take(n * (channels / layer.groups) * layer.size * layer.size);
    return { biases, batchNorm, weights };
  });
  return { header, params };
}
