/**
 * Raw maps as the page and the server exchange them: float32 [H, W, 3] .npy, as the CLI writes
 * them (a one-channel VisualBackProp map is repeated into three), and base64 float32 in JSON.
 * The page reads and writes .npy itself (no Node here); the server writes with
 * @yolo-saliency/node's encoder, which this reader is tested against.
 */

export interface RawMap {
  dims: number[];
  data: Float32Array;
}

/** [H, W, C] with C = 1 or 3 -> [H, W, 3] (VisualBackProp's channel repeated). */
export function toThreeChannels(map: RawMap): RawMap {
  const dims = map.dims.length === 4 && map.dims[0] === 1 ? map.dims.slice(1) : map.dims;
  const [height, width, channels] = dims;
  if (dims.length !== 3 || (channels !== 1 && channels !== 3)) throw new Error(`unexpected map dims [${map.dims.join(', ')}]`);
  if (channels === 3) return { dims: [height, width, 3], data: map.data };
  const data = new Float32Array(height * width * 3);
  for (let p = 0; p < height * width; p++) data.fill(map.data[p], p * 3, p * 3 + 3);
  return { dims: [height, width, 3], data };
}

/** A .npy file, version 1.0, '<f4', C order, header padded to 64 bytes (numpy's own layout). */
export function encodeNpyFloat32(map: RawMap): Uint8Array {
  const shape = map.dims.length === 1 ? `(${map.dims[0]},)` : `(${map.dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + map.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, total);
  map.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** Read a .npy of float32 little-endian in C order (what encodeNpyFloat32 and the server write). */
export function decodeNpyFloat32(bytes: Uint8Array): RawMap {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (!magic.every((b, i) => bytes[i] === b)) throw new Error('not a .npy file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  if (!/'descr':\s*'<f4'/.test(header) || !/'fortran_order':\s*False/.test(header)) throw new Error(`unsupported .npy header ${header.trim()}`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  const dims = (shape?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.byteLength - start !== count * 4) throw new Error(`.npy data is ${bytes.byteLength - start} bytes, its shape says ${count * 4}`);
  const data = new Float32Array(count);
  const body = new DataView(bytes.buffer, bytes.byteOffset + start, count * 4);
  for (let i = 0; i < count; i++) data[i] = body.getFloat32(i * 4, true);
  return { dims, data };
}

/** Float32 little-endian bytes as base64 (JSON's inline maps). */
export function float32ToBase64(data: Float32Array): string {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function base64ToFloat32(text: string): Float32Array {
  const binary = atob(text);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Cosine similarity of two maps of the same size (what the compare view shows). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maps of different sizes (${a.length} and ${b.length} values)`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? (na === nb ? 1 : 0) : dot / Math.sqrt(na * nb);
}
