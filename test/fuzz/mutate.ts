/**
 * Seeded mutators for the fuzz suite: a small PRNG, byte-level mutations (flips, interesting
 * values, truncations, extensions, splices) and structure-aware edits of the formats we read
 * (PNG/JPEG/GIF headers with valid checksums, .npy headers, darknet .cfg options, .weights
 * headers, JSON trees). Pure functions of (bytes, rng): a case is reproduced from its seed.
 */

/** mulberry32: small, fast, good enough to pick mutations; every case gets its own. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** Pick by weight: [[weight, value], ...]. */
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    const total = items.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of items) if ((r -= w) < 0) return v;
    return items[items.length - 1][1];
  }
  /** A 32-bit seed for a sub-generator (fast-check, nested mutators). */
  seed(): number {
    return this.int(2 ** 31);
  }
}

/** One 32-bit seed per (run seed, family, case index): each case is reproducible on its own. */
export function caseSeed(seed: number, family: string, index: number): number {
  let h = 2166136261 ^ seed;
  for (const c of `${family}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h ^ (h >>> 13)) >>> 0;
}

/** Integers that find bugs: zero, one, signs, powers of two and their neighbours, type limits. */
export const INTERESTING_INTS = [
  0, 1, -1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 1023, 1024, 4095, 4096, 8191, 8192, 8193, 16383, 16384, 32767, 32768, 65535, 65536, 65537,
  2 ** 20, 2 ** 24, 2 ** 26, 2 ** 28, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1, 1e9, -1e9,
] as const;

/** Numbers as a text format might spell them, valid and not. */
export const INTERESTING_NUMBER_TEXTS = [
  '0', '1', '-1', '2', '3', '-0', '0.5', '1.5', '-2.5', '1e3', '1e9', '1e308', '1e309', '-1e309', '4294967296', '9007199254740993', '99999999999999999999999',
  'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '0x10', '0b11', '1_000', ' 4', '4 ', '+4', '--4', '٣', '１', '', ' ', 'abc', '1,2', '1,,2', '3.', '.3', '1e', 'e1',
  '8192', '8193', '65536', '65537', '16384', '16385', '128', '129', '64', '65', '2147483647', '2147483648', '-2147483649',
] as const;

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x1b, 0x20, 0x2c, 0x3d, 0x5b, 0x5d] as const;

export interface ByteMutationOptions {
  /** Mutations land in the first `region` bytes with probability `regionBias` (headers, metadata). */
  region?: number;
  regionBias?: number;
  /** At most this many bytes after an extension (keeps cases small). */
  maxLength?: number;
  /** Number of mutations: 1..maxOps. */
  maxOps?: number;
}

/** Apply 1..maxOps random byte-level mutations; returns a new array and what was done. */
export function mutateBytes(rng: Rng, input: Uint8Array, options: ByteMutationOptions = {}): { bytes: Uint8Array; what: string } {
  let bytes: Uint8Array = Uint8Array.from(input);
  const { region = 4096, regionBias = 0.6, maxLength = Math.max(1 << 20, input.length * 2), maxOps = 4 } = options;
  const steps: string[] = [];
  const offset = (len = 1) => {
    const span = Math.max(1, (rng.chance(regionBias) ? Math.min(region, bytes.length) : bytes.length) - len + 1);
    return rng.int(span);
  };
  const ops = rng.between(1, maxOps);
  for (let k = 0; k < ops; k++) {
    if (bytes.length === 0) bytes = new Uint8Array([rng.int(256)]);
    const op = rng.weighted([
      [4, 'flip'],
      [3, 'byte'],
      [3, 'int32'],
      [1, 'int16'],
      [2, 'float32'],
      [2, 'truncate'],
      [1, 'extend'],
      [1, 'delete'],
      [1, 'duplicate'],
      [1, 'insert'],
      [1, 'swap'],
    ] as const);
    switch (op) {
      case 'flip': {
        const n = rng.between(1, 8);
        for (let j = 0; j < n; j++) bytes[offset()] ^= 1 << rng.int(8);
        steps.push(`flip ${n} bit(s)`);
        break;
      }
      case 'byte': {
        const at = offset();
        bytes[at] = rng.pick(INTERESTING_BYTES);
        steps.push(`byte@${at}=${bytes[at]}`);
        break;
      }
      case 'int32':
      case 'int16': {
        const size = op === 'int32' ? 4 : 2;
        if (bytes.length < size) break;
        const at = offset(size);
        const value = rng.pick(INTERESTING_INTS);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const littleEndian = rng.chance(0.7);
        if (size === 4) view.setInt32(at, value | 0, littleEndian);
        else view.setInt16(at, value, littleEndian);
        steps.push(`${op}@${at}=${value}${littleEndian ? '' : ' BE'}`);
        break;
      }
      case 'float32': {
        if (bytes.length < 4) break;
        const at = offset(4);
        const value = rng.pick([Number.NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, 0, -0, 1e30, -1]);
        new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setFloat32(at, value, true);
        steps.push(`float32@${at}=${value}`);
        break;
      }
      case 'truncate': {
        const at = rng.chance(0.5) ? offset() : rng.int(bytes.length);
        bytes = bytes.slice(0, at);
        steps.push(`truncate to ${at}`);
        break;
      }
      case 'extend': {
        const n = rng.pick([1, 3, 4, 16, 1000, 65536]);
        const extra = rng.chance(0.5) ? new Uint8Array(n) : Uint8Array.from({ length: n }, () => rng.int(256));
        bytes = concat(bytes, extra).slice(0, maxLength);
        steps.push(`append ${n}`);
        break;
      }
      case 'delete': {
        const at = offset();
        const n = rng.between(1, Math.min(64, bytes.length - at));
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + n));
        steps.push(`delete ${n}@${at}`);
        break;
      }
      case 'duplicate': {
        const at = offset();
        const n = rng.between(1, Math.min(256, bytes.length - at));
        bytes = concat(bytes.subarray(0, at + n), bytes.subarray(at, at + n), bytes.subarray(at + n)).slice(0, maxLength);
        steps.push(`duplicate ${n}@${at}`);
        break;
      }
      case 'insert': {
        const at = offset();
        const n = rng.between(1, 32);
        bytes = concat(bytes.subarray(0, at), Uint8Array.from({ length: n }, () => rng.int(256)), bytes.subarray(at)).slice(0, maxLength);
        steps.push(`insert ${n}@${at}`);
        break;
      }
      case 'swap': {
        const a = offset();
        const b = offset();
        [bytes[a], bytes[b]] = [bytes[b], bytes[a]];
        steps.push(`swap ${a},${b}`);
        break;
      }
    }
  }
  return { bytes, what: steps.join('; ') };
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Images: header edits that keep the checksums valid, so the decoder believes them.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Side lengths a header can declare: zero, tiny, just over the limits, absurd. */
export const IMAGE_SIDES = [0, 1, 2, 7, 128, 4096, 16383, 16384, 20000, 32767, 65535, 65536, 100000, 2 ** 31 - 1, 2 ** 32 - 1] as const;

/** A PNG with its IHDR width/height (and sometimes bit depth / colour type) rewritten, CRC fixed. */
export function editPngHeader(rng: Rng, png: Uint8Array): { bytes: Uint8Array; what: string } | undefined {
  // Signature (8), then IHDR: length (4), 'IHDR' (4), width, height, depth, colour, ...
  if (png.length < 33 || png[12] !== 0x49 || png[13] !== 0x48) return undefined;
  const bytes = Uint8Array.from(png);
  const view = new DataView(bytes.buffer);
  const width = rng.chance(0.7) ? rng.pick(IMAGE_SIDES) : view.getUint32(16);
  const height = rng.chance(0.7) ? rng.pick(IMAGE_SIDES) : view.getUint32(20);
  view.setUint32(16, width >>> 0);
  view.setUint32(20, height >>> 0);
  let what = `PNG IHDR ${width}x${height}`;
  if (rng.chance(0.2)) {
    bytes[24] = rng.pick([1, 2, 4, 8, 16, 3, 0, 255]);
    bytes[25] = rng.pick([0, 2, 3, 4, 6, 1, 7]);
    what += ` depth ${bytes[24]} colour ${bytes[25]}`;
  }
  view.setUint32(29, crc32(bytes.subarray(12, 29)));
  return { bytes, what };
}

/** A JPEG with the first SOFn frame's height/width (or component count) rewritten. */
export function editJpegHeader(rng: Rng, jpeg: Uint8Array): { bytes: Uint8Array; what: string } | undefined {
  for (let at = 2; at + 9 < jpeg.length; ) {
    if (jpeg[at] !== 0xff) return undefined;
    const marker = jpeg[at + 1];
    const length = (jpeg[at + 2] << 8) | jpeg[at + 3];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const bytes = Uint8Array.from(jpeg);
      const h = rng.pick([0, 1, 8, 16383, 16384, 30000, 65535]);
      const w = rng.pick([0, 1, 8, 16383, 16384, 30000, 65535]);
      const view = new DataView(bytes.buffer);
      view.setUint16(at + 5, h);
      view.setUint16(at + 7, w);
      let what = `JPEG SOF${(marker & 0xf).toString(16)} ${w}x${h}`;
      if (rng.chance(0.2)) {
        bytes[at + 9] = rng.pick([0, 1, 2, 4, 255]);
        what += ` components ${bytes[at + 9]}`;
      }
      return { bytes, what };
    }
    at += 2 + length;
  }
  return undefined;
}

/** A GIF with its logical screen (and first image descriptor, when found) resized. */
export function editGifHeader(rng: Rng, gif: Uint8Array): { bytes: Uint8Array; what: string } | undefined {
  if (gif.length < 13 || gif[0] !== 0x47) return undefined;
  const bytes = Uint8Array.from(gif);
  const view = new DataView(bytes.buffer);
  const w = rng.pick([0, 1, 16383, 65535]);
  const h = rng.pick([0, 1, 16383, 65535]);
  view.setUint16(6, w, true);
  view.setUint16(8, h, true);
  const descriptor = bytes.indexOf(0x2c, 13);
  if (descriptor > 0 && descriptor + 9 < bytes.length && rng.chance(0.5)) {
    view.setUint16(descriptor + 5, w, true);
    view.setUint16(descriptor + 7, h, true);
  }
  return { bytes, what: `GIF screen ${w}x${h}` };
}

/** A little-endian TIFF with its first IFD's ImageWidth/ImageLength (or RowsPerStrip) rewritten. */
export function editTiffHeader(rng: Rng, tiff: Uint8Array): { bytes: Uint8Array; what: string } | undefined {
  if (tiff.length < 8 || tiff[0] !== 0x49 || tiff[1] !== 0x49) return undefined;
  const bytes = Uint8Array.from(tiff);
  const view = new DataView(bytes.buffer);
  const ifd = view.getUint32(4, true);
  if (ifd + 2 > bytes.length) return undefined;
  const count = view.getUint16(ifd, true);
  const steps: string[] = [];
  for (let k = 0; k < count && ifd + 2 + 12 * (k + 1) <= bytes.length; k++) {
    const at = ifd + 2 + 12 * k;
    const tag = view.getUint16(at, true);
    if ((tag === 256 || tag === 257 || tag === 278) && rng.chance(0.6)) {
      const value = rng.pick(IMAGE_SIDES);
      const type = view.getUint16(at + 2, true);
      if (type === 3) view.setUint16(at + 8, value & 0xffff, true);
      else view.setUint32(at + 8, value >>> 0, true);
      steps.push(`tag ${tag}=${type === 3 ? value & 0xffff : value}`);
    }
  }
  return steps.length ? { bytes, what: `TIFF ${steps.join(' ')}` } : undefined;
}

// ---------------------------------------------------------------------------------------------
// .npy

/** A .npy file from a header dict text, a version, and data bytes (header padded like NumPy). */
export function npyBytes(dict: string, data: Uint8Array, version: 1 | 2 | 3 = 1, pad = true): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  let text = dict;
  if (pad) text += ' '.repeat((64 - ((prefix + text.length + 1) % 64)) % 64) + '\n';
  const encoded = version === 3 ? new TextEncoder().encode(text) : Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  const header = new Uint8Array(prefix);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(header.buffer);
  if (version === 1) view.setUint16(8, Math.min(encoded.length, 0xffff), true);
  else view.setUint32(8, encoded.length, true);
  return concat(header, encoded, data);
}

const NPY_DESCRS = ['<f4', '<f8', '>f4', '>f8', '<f2', '|u1', '<i4', '<i8', '<c8', '|b1', '<U8', '|O', "<f4'", '', 'f4', '<f16', '<F4'] as const;

/** A structure-aware .npy: dtype, order, shape, version, header length and data length edited. */
export function mutateNpy(rng: Rng, dims: number[], floats: Float32Array): { bytes: Uint8Array; what: string } {
  const steps: string[] = [];
  let descr = '<f4';
  let fortran = 'False';
  let shape = dims.slice();
  let version: 1 | 2 | 3 = 1;
  let data = new Uint8Array(floats.buffer.slice(floats.byteOffset, floats.byteOffset + floats.byteLength));
  const ops = rng.between(1, 3);
  for (let k = 0; k < ops; k++) {
    switch (rng.weighted([[3, 'shape'], [2, 'descr'], [1, 'fortran'], [1, 'version'], [2, 'data'], [1, 'f8'], [1, 'values']] as const)) {
      case 'shape': {
        const choice = rng.int(7);
        if (choice === 0) shape = [];
        else if (choice === 1) shape = Array.from({ length: rng.pick([1, 2, 4, 9, 33, 1000]) }, () => rng.pick([1, 2, 3, 0]));
        else if (choice === 2) shape[rng.int(shape.length)] = rng.pick([0, 1, 2 ** 31, 2 ** 53, 1e20, 2 ** 64]);
        else if (choice === 3) shape = [shape[1], shape[0], shape[2]];
        else if (choice === 4) shape = [1, ...shape];
        else if (choice === 5) shape = [shape[0] * shape[1] * shape[2]];
        else shape = [shape[0], shape[1], rng.pick([1, 2, 4, 64])];
        steps.push(`shape (${shape.slice(0, 6).join(',')}${shape.length > 6 ? ',…' : ''})`);
        break;
      }
      case 'descr':
        descr = rng.pick(NPY_DESCRS);
        steps.push(`descr ${descr}`);
        break;
      case 'fortran':
        fortran = rng.pick(['True', 'true', '1', '']);
        steps.push(`fortran_order ${fortran}`);
        break;
      case 'version':
        version = rng.pick([2, 3] as const);
        steps.push(`version ${version}`);
        break;
      case 'data': {
        const n = rng.pick([-1, -4, -data.length + 1, 1, 4, 12]);
        data = n < 0 ? data.slice(0, Math.max(0, data.length + n)) : concat(data, new Uint8Array(n));
        steps.push(`data ${n > 0 ? '+' : ''}${n} bytes`);
        break;
      }
      case 'f8': {
        descr = '<f8';
        data = new Uint8Array(Float64Array.from(floats).buffer);
        steps.push('as float64');
        break;
      }
      case 'values': {
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        const n = rng.between(1, 16);
        for (let j = 0; j < n && data.length >= 4; j++) view.setFloat32(4 * rng.int(Math.floor(data.length / 4)), rng.pick([Number.NaN, Infinity, -Infinity, -1, 2, 1e30, 3.4e38]), true);
        steps.push(`${n} odd value(s)`);
        break;
      }
    }
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shapeText}, }`;
  if (rng.chance(0.1)) {
    dict = rng.pick([dict.replace("'shape'", "'shap'"), dict.replace('}', ''), `${dict}${'x'.repeat(rng.pick([100, 70000]))}`, '{}', dict.replace(/\(/, '(\u202e'), dict + '\x1b[31m']);
    steps.push('dict text edited');
  }
  let bytes = npyBytes(dict, data, version);
  if (rng.chance(0.15)) {
    const view = new DataView(bytes.buffer);
    const value = rng.pick([0, 1, 9, 0xffff, 0x7fffffff]);
    if (version === 1) view.setUint16(8, value & 0xffff, true);
    else view.setUint32(8, value, true);
    steps.push(`header length ${value}`);
  }
  if (rng.chance(0.05)) {
    bytes = Uint8Array.from(bytes);
    bytes[6] = rng.pick([0, 4, 255]);
    steps.push(`version byte ${bytes[6]}`);
  }
  return { bytes, what: steps.join('; ') };
}

// ---------------------------------------------------------------------------------------------
// Darknet .cfg and .weights

const CFG_BLOCKS = ['net', 'convolutional', 'conv', 'maxpool', 'upsample', 'route', 'shortcut', 'yolo', 'dropout', 'region', 'avgpool', 'softmax', 'connected', 'reorg', 'sam', 'scale_channels', 'bogus', 'Convolutional', ''] as const;
const CFG_KEYS = ['filters', 'size', 'stride', 'pad', 'padding', 'groups', 'group_id', 'layers', 'from', 'mask', 'anchors', 'classes', 'num', 'activation', 'batch_normalize', 'scale_x_y', 'new_coords', 'beta_nms', 'width', 'height', 'channels', 'dilation', 'antialiasing', 'xnor', 'bogus_key'] as const;
const CFG_VALUES = [...INTERESTING_NUMBER_TEXTS, 'leaky', 'mish', 'swish', 'logistic', 'linear', 'relu', 'gelu', 'bogus', '-1,-4', '-1,8', '-100', '1000', '0,1,2,3,4,5,6,7,8,9', '10,14,  23,27', '10,14,23', '-10,14', '0,0', '1e9,1e9', '=', '[net]', '\x1b[31m', '\u202e', 'x'.repeat(5000)] as const;

/** A structure-aware edit of a darknet cfg: values, keys, blocks and lines. */
export function mutateCfg(rng: Rng, text: string): { text: string; what: string } {
  let lines = text.split('\n');
  const steps: string[] = [];
  const optionLines = () => lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[a-z_]+\s*=/.test(l)).map(([, i]) => i);
  const blockStarts = () => lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*\[/.test(l)).map(([, i]) => i);
  const blockRange = (k: number) => {
    const starts = blockStarts();
    const start = starts[k];
    return [start, starts[k + 1] ?? lines.length] as const;
  };
  const ops = rng.between(1, 3);
  for (let op = 0; op < ops; op++) {
    switch (rng.weighted([[6, 'value'], [2, 'key'], [1, 'addOption'], [1, 'dropOption'], [1, 'blockType'], [1, 'dupBlock'], [1, 'dropBlock'], [1, 'swapBlocks'], [1, 'line'], [1, 'manyBlocks']] as const)) {
      case 'value': {
        const opts = optionLines();
        if (!opts.length) break;
        const i = rng.pick(opts);
        const key = lines[i].split('=')[0];
        const value = rng.chance(0.15) ? String(rng.pick(INTERESTING_INTS)) : rng.pick(CFG_VALUES);
        lines[i] = `${key}=${value}`;
        steps.push(`${key.trim()}=${value.slice(0, 20)}`);
        break;
      }
      case 'key': {
        const opts = optionLines();
        if (!opts.length) break;
        const i = rng.pick(opts);
        const key = rng.pick(CFG_KEYS);
        lines[i] = `${key}=${lines[i].split('=').slice(1).join('=')}`;
        steps.push(`key -> ${key}`);
        break;
      }
      case 'addOption': {
        const starts = blockStarts();
        if (!starts.length) break;
        const at = rng.pick(starts) + 1;
        const line = `${rng.pick(CFG_KEYS)}=${rng.pick(CFG_VALUES)}`;
        lines.splice(at, 0, line);
        steps.push(`add ${line.slice(0, 30)}`);
        break;
      }
      case 'dropOption': {
        const opts = optionLines();
        if (!opts.length) break;
        const i = rng.pick(opts);
        steps.push(`drop ${lines[i].trim().slice(0, 30)}`);
        lines.splice(i, 1);
        break;
      }
      case 'blockType': {
        const starts = blockStarts();
        if (!starts.length) break;
        const i = rng.pick(starts);
        const type = rng.pick(CFG_BLOCKS);
        lines[i] = rng.chance(0.1) ? `[${type}` : `[${type}]`;
        steps.push(`block -> [${type}]`);
        break;
      }
      case 'dupBlock':
      case 'manyBlocks': {
        const n = blockStarts().length;
        if (!n) break;
        const k = rng.int(n);
        const [a, b] = blockRange(k);
        const times = rng.pick([1, 2, 5, 50]);
        const copies = Array.from({ length: times }, () => lines.slice(a, b)).flat();
        lines.splice(rng.chance(0.5) ? b : blockRange(rng.int(n))[0], 0, ...copies);
        steps.push(`${times} cop(ies) of block ${k}`);
        break;
      }
      case 'dropBlock': {
        const n = blockStarts().length;
        if (!n) break;
        const k = rng.int(n);
        const [a, b] = blockRange(k);
        lines.splice(a, b - a);
        steps.push(`drop block ${k}`);
        break;
      }
      case 'swapBlocks': {
        const n = blockStarts().length;
        if (n < 2) break;
        const j = rng.int(n - 1);
        const [a, b] = blockRange(j);
        const [, c] = blockRange(j + 1);
        lines = [...lines.slice(0, a), ...lines.slice(b, c), ...lines.slice(a, b), ...lines.slice(c)];
        steps.push(`swap blocks ${j},${j + 1}`);
        break;
      }
      case 'line': {
        const i = rng.int(Math.max(1, lines.length));
        const choice = rng.int(5);
        if (choice === 0) lines.splice(i, 1);
        else if (choice === 1) lines.splice(i, 0, lines[i] ?? '');
        else if (choice === 2) lines[i] = `${lines[i] ?? ''}${rng.pick(['\r', '\0', '\x1b]0;t\x07', ' # comment', ';', '\t', '\uFEFF'])}`;
        else if (choice === 3) lines.splice(i, 0, rng.pick(['=', '=1', 'novalue', '[', ']', '#', ';x', '\0\0\0']));
        else lines = lines.slice(0, i);
        steps.push(`line edit ${choice}@${i}`);
        break;
      }
    }
  }
  return { text: lines.join(rng.chance(0.05) ? '\r\n' : '\n'), what: steps.join('; ') };
}

/** A .weights header edit: version, seen, or a truncation/extension at a float boundary. */
export function mutateWeights(rng: Rng, weights: Uint8Array): { bytes: Uint8Array; what: string } {
  const choice = rng.weighted([[3, 'version'], [1, 'seen'], [2, 'length'], [2, 'floats'], [2, 'bytes']] as const);
  let bytes: Uint8Array = Uint8Array.from(weights);
  const view = new DataView(bytes.buffer);
  switch (choice) {
    case 'version': {
      const versions: Array<[number, number, number]> = [[0, 1, 0], [0, 2, 0], [0, 2, 5], [1, 0, 0], [9, 9, 0], [0, 0, 0], [-1, -1, -1], [1000, 0, 0], [0, 1000, 0], [2 ** 31 - 1, 2 ** 31 - 1, 0], [0, 2, -1]];
      const [major, minor, revision] = rng.pick(versions);
      view.setInt32(0, major, true);
      view.setInt32(4, minor, true);
      view.setInt32(8, revision, true);
      return { bytes, what: `version ${major}.${minor}.${revision}` };
    }
    case 'seen': {
      const hi = rng.pick([0, 1, 0xffffffff, 0x7fffffff]);
      view.setUint32(16, hi, true);
      return { bytes, what: `seen high word ${hi}` };
    }
    case 'length': {
      const n = rng.pick([-4, 4, -8, 8, -400, -(bytes.length - 20), -(bytes.length - 12), 1, -1, 1 << 20]);
      bytes = n < 0 ? bytes.slice(0, Math.max(0, bytes.length + n)) : concat(bytes, new Uint8Array(n));
      return { bytes, what: `length ${n > 0 ? '+' : ''}${n}` };
    }
    case 'floats': {
      const n = rng.between(1, 8);
      const floats = (bytes.length - 20) >> 2;
      for (let k = 0; k < n; k++) view.setFloat32(20 + 4 * rng.int(floats), rng.pick([Number.NaN, Infinity, -Infinity, -1, 0, -1e-6, 1e30, 3.4e38, -3.4e38, 1e-40]), true);
      return { bytes, what: `${n} odd float(s)` };
    }
    case 'bytes':
      return mutateBytes(rng, bytes, { region: 64, maxOps: 3 });
  }
}

// ---------------------------------------------------------------------------------------------
// JSON trees (Keras configs, our ONNX metadata)

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const JSON_REPLACEMENTS: Json[] = [
  0, -1, 1, 2, 3, 1e9, -1e9, 1e308, 0.5, 65537, 100000, 2 ** 31, null, true, false, '', 'NaN', 'Infinity', 'same', 'valid', 'channels_first', 'x'.repeat(300), '\x1b[2J',
  [], [0, 0], [100000, 100000], [1, 2, 3], [[0, 0], [0, 0]], [[1000, 1000], [1000, 1000]], {}, { a: 1 },
];

/** Every path to a leaf or container in a JSON value. */
function jsonPaths(value: Json, path: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => jsonPaths(v, [...path, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) jsonPaths(v, [...path, k], out);
  return out;
}

/** Replace, delete or duplicate random parts of a JSON tree (numbers and arrays preferred). */
export function mutateJson(rng: Rng, input: Json, focus?: (path: Array<string | number>) => boolean): { value: Json; what: string } {
  const root = structuredClone(input) as Json;
  const steps: string[] = [];
  const ops = rng.between(1, 3);
  for (let k = 0; k < ops; k++) {
    let paths = jsonPaths(root).filter((p) => p.length > 0);
    if (focus && rng.chance(0.7)) {
      const focused = paths.filter(focus);
      if (focused.length) paths = focused;
    }
    if (!paths.length) break;
    const path = rng.pick(paths);
    const parent = path.slice(0, -1).reduce<Json>((v, key) => (v as Record<string, Json>)[key as string], root) as Record<string | number, Json> | Json[];
    const key = path[path.length - 1];
    const current = (parent as Record<string | number, Json>)[key];
    const choice = rng.weighted([[5, 'replace'], [1, 'delete'], [1, 'numberNudge'], [1, 'copy']] as const);
    if (choice === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, Json>)[key as string];
      steps.push(`delete ${path.join('.')}`);
    } else if (choice === 'numberNudge' && typeof current === 'number') {
      const value = rng.pick([current + 1, current - 1, current * 1000, -current, 0, current + 0.5]);
      (parent as Record<string | number, Json>)[key] = value;
      steps.push(`${path.join('.')}: ${current} -> ${value}`);
    } else if (choice === 'copy') {
      const other = rng.pick(paths);
      const value = other.reduce<Json>((v, kk) => (v as Record<string, Json>)?.[kk as string] ?? null, root);
      (parent as Record<string | number, Json>)[key] = structuredClone(value);
      steps.push(`${path.join('.')} <- ${other.join('.')}`);
    } else {
      const value = structuredClone(rng.pick(JSON_REPLACEMENTS));
      (parent as Record<string | number, Json>)[key] = value;
      steps.push(`${path.join('.')} = ${JSON.stringify(value).slice(0, 30)}`);
    }
  }
  return { value: root, what: steps.join('; ') };
}
export type { Json };
