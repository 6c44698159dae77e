/**
 * What an uploaded file may be, decided by the server: the client's file name gives only its
 * extension (from a fixed list), the first bytes must match that format, and the file is
 * stored under a name the server makes. Nothing a client sends becomes part of a path.
 */
import { HttpError } from './http-error.js';

export type UploadKind = 'cfg' | 'weights' | 'names' | 'h5' | 'keras' | 'onnx' | 'image';

export const MODEL_EXTENSIONS: Record<string, UploadKind> = {
  '.cfg': 'cfg',
  '.weights': 'weights',
  '.names': 'names',
  '.txt': 'names',
  '.h5': 'h5',
  '.hdf5': 'h5',
  '.keras': 'keras',
  '.onnx': 'onnx',
};

/** The extension of a client file name, lower case ('' when it has none or an odd one). */
export function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(fileName);
  return match ? `.${match[1].toLowerCase()}` : '';
}

/** A client file name as the page may show it: the last path part, printable, short. */
export function displayName(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? '';
  const clean = last.replace(/[^\w.\- ()+]/g, '_').slice(0, 80);
  return clean || 'file';
}

const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
}

/** An image format sharp reads, by its signature. */
export function imageFormat(bytes: Uint8Array): 'jpeg' | 'png' | 'webp' | 'gif' | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  return undefined;
}

export const IMAGE_TYPES: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };

function isText(head: Uint8Array): boolean {
  return !head.includes(0);
}

/**
 * Check the first bytes of an upload (up to 64 KiB) against its kind; throws a 415 HttpError
 * that names the file and what was expected.
 */
export function checkMagic(kind: UploadKind, head: Uint8Array, name: string): void {
  const fail = (expected: string) => {
    throw new HttpError(415, `${name}: not ${expected}`);
  };
  switch (kind) {
    case 'image':
      if (!imageFormat(head)) fail('an image (JPEG, PNG, WebP or GIF signature expected)');
      return;
    case 'h5':
      // HDF5 allows a user block: the signature is at 0, 512, 1024, ...
      if (![0, 512, 1024, 2048, 4096].some((at) => startsWith(head, HDF5, at))) fail('an HDF5 file (no HDF5 signature)');
      return;
    case 'keras':
      if (!startsWith(head, ZIP)) fail('a Keras 3 .keras file (a zip archive was expected)');
      return;
    case 'onnx':
      // A protobuf ModelProto starts with a field tag: ir_version (0x08) in every exporter we know,
      // else another small field number with wire type 0 (varint) or 2 (bytes).
      if (!(head.length > 1 && (head[0] & 7) !== 3 && (head[0] & 7) !== 4 && head[0] >> 3 >= 1 && head[0] >> 3 <= 20)) fail('an ONNX model (a protobuf message was expected)');
      return;
    case 'weights': {
      // darknet: int32 major, minor, revision, then a 32- or 64-bit image count, then float32s.
      if (head.length < 20) fail('a darknet .weights file (shorter than its header)');
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      const major = view.getInt32(0, true);
      const minor = view.getInt32(4, true);
      if (major < 0 || major > 100 || minor < 0 || minor > 1000) fail('a darknet .weights file (its header has no version)');
      return;
    }
    case 'cfg': {
      if (!isText(head)) fail('a darknet .cfg (binary data, text expected)');
      const text = new TextDecoder().decode(head);
      if (!/^\s*\[(net|network)\]/m.test(text)) fail('a darknet .cfg (no [net] section)');
      return;
    }
    case 'names':
      if (!isText(head)) fail('a class names file (binary data, text expected)');
      return;
  }
}

/** The byte limit that applies to an upload of this kind. */
export function limitFor(kind: UploadKind, limits: { maxModelFileBytes: number; maxTextFileBytes: number; maxImageBytes: number }): number {
  if (kind === 'image') return limits.maxImageBytes;
  if (kind === 'cfg' || kind === 'names') return limits.maxTextFileBytes;
  return limits.maxModelFileBytes;
}
