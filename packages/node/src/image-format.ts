/**
 * The raster formats `readImage` decodes, told by their signatures before sharp sees the file.
 * Anything else is refused: SVG in particular, which librsvg renders by loading the files it
 * references (a FIFO next to it blocked the read for ever; /etc/passwd would be read) and whose
 * filters can take minutes for a few kilobytes of text; and AVIF/HEIF, whose decoder (libheif
 * through libvips) writes GLib diagnostics straight to stderr for a corrupt header declaring a
 * huge image, beside the one-line error. The web app's uploads accept a subset of these
 * (apps/web upload-checks).
 */
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';

export type RasterFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff';

/** Human names of the formats read, for messages. */
export const RASTER_FORMATS_TEXT = 'JPEG, PNG, WebP, GIF or TIFF';

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/** The raster format of a file from its first bytes (at least 12), or undefined. */
export function rasterFormat(head: Uint8Array): RasterFormat | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'gif';
  // Little- and big-endian TIFF, and BigTIFF.
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]) || startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  return undefined;
}

/** What a file that is not one of the raster formats looks like, in words. */
export function describeNonRaster(head: Uint8Array): string {
  const text = new TextDecoder().decode(head).replace(/^\uFEFF/, '').trimStart();
  if (/^<(\?xml|svg|!DOCTYPE svg|!--)/i.test(text) || /<svg[\s>]/i.test(text)) {
    return `an SVG or XML document, not a raster image (${RASTER_FORMATS_TEXT} expected; convert a drawing to PNG first)`;
  }
  if (startsWith(head, ascii('ftyp'), 4)) return `an AVIF, HEIF or other ISO media file, which is not read (${RASTER_FORMATS_TEXT} expected; convert it to PNG or JPEG)`;
  return `not an image (${RASTER_FORMATS_TEXT} expected)`;
}

/** The first `length` bytes of a regular file (fewer when it is shorter). */
export async function readFileHead(path: string, length = 512): Promise<Uint8Array> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const head = new Uint8Array(length);
    const { bytesRead } = await handle.read(head, 0, length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close().catch(() => {});
  }
}
