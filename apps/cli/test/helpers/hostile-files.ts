/** Files made to hurt: images that declare huge sizes in a few hundred KB, darknet cfgs with hostile layers. */
import { readFile, writeFile } from 'node:fs/promises';
import { createDeflate } from 'node:zlib';
import { fixture } from '../run-cli.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/**
 * A valid black RGB PNG of width x height, written without ever holding its pixels: rows of
 * zeros go through a streaming deflate (16000x16000 is 768 MB of pixels in about 750 KB).
 */
export async function writeBlackPng(path: string, width: number, height: number): Promise<void> {
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (b: Buffer) => parts.push(b));
  const finished = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  const row = Buffer.alloc(1 + width * 3); // filter byte 0, then black pixels
  for (let y = 0; y < height; y++) {
    if (!deflate.write(row)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await finished;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, adaptive filters, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await writeFile(path, Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', Buffer.concat(parts)), chunk('IEND', new Uint8Array(0))]));
}

/** The bundled shapes cfg with one edit (a replace of its text), written to `path`. */
export async function writeEditedShapesCfg(path: string, from: string, to: string): Promise<void> {
  const text = await readFile(fixture('shapes/shapes-yolov3-tiny.cfg'), 'utf8');
  if (!text.includes(from)) throw new Error(`shapes cfg has no '${from}'`);
  await writeFile(path, text.replace(from, to));
}

/** The stride-1 maxpool of the shapes cfg with a 6000-pixel window: tiny outputs, a 6003x6003 padded input. */
export const HUGE_POOL = { from: '[maxpool]\nsize=2\nstride=1', to: '[maxpool]\nsize=6000\nstride=1' };
/** The first maxpool of the shapes cfg replaced by a 16x upsample: every later layer 32x larger in area than planned. */
export const HUGE_UPSAMPLE = { from: 'activation=leaky\n\n[maxpool]\nsize=2\nstride=2\n', to: 'activation=leaky\n\n[upsample]\nstride=16\n' };
