import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage, writeImage } from '../src/index.js';

const fixture = (p: string) => new URL(`../../../fixtures/${p}`, import.meta.url).pathname;

describe('readImage / writeImage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ys-img-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the bundled JPEG as 768x576 RGB', async () => {
    const image = await readImage(fixture('images/dog.jpg'));
    expect([image.width, image.height, image.channels]).toEqual([768, 576, 3]);
    expect(image.data.length).toBe(768 * 576 * 3);
    // A real photo: not constant.
    const first = image.data[0];
    expect(image.data.some((v) => Math.abs(v - first) > 50)).toBe(true);
  });

  it('drops alpha keeping the stored colours', async () => {
    // 2x1 RGBA: an opaque red pixel and a fully transparent green one.
    const path = join(dir, 'alpha.png');
    await sharp(Buffer.from([255, 0, 0, 255, 0, 200, 0, 0]), { raw: { width: 2, height: 1, channels: 4 } }).png().toFile(path);
    const image = await readImage(path);
    expect(image.channels).toBe(3);
    expect(Array.from(image.data)).toEqual([255, 0, 0, 0, 200, 0]);
  });

  it('expands grayscale to RGB', async () => {
    const path = join(dir, 'gray.png');
    await sharp(Buffer.from([10, 20, 30, 40, 50, 60]), { raw: { width: 3, height: 2, channels: 1 } }).toColourspace('b-w').png().toFile(path);
    expect((await sharp(path).metadata()).channels).toBe(1);
    const image = await readImage(path);
    expect([image.width, image.height, image.channels]).toEqual([3, 2, 3]);
    expect(Array.from(image.data)).toEqual([10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40, 50, 50, 50, 60, 60, 60]);
  });

  it('scales 16-bit samples to 8 bits', async () => {
    const path = join(dir, 'deep.png');
    // A Uint16Array input makes sharp treat the raw samples as 16-bit.
    await sharp(new Uint16Array([0, 65535, 257 * 100]), { raw: { width: 3, height: 1, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toFile(path);
    expect((await sharp(path).metadata()).depth).toBe('ushort');
    const image = await readImage(path);
    expect(Array.from(image.data)).toEqual([0, 0, 0, 255, 255, 255, 100, 100, 100]);
  });

  it('applies the EXIF orientation', async () => {
    // 4 wide x 2 tall, left half black, right half white; orientation 6 = rotate 90° clockwise to view.
    const pixels = Buffer.alloc(4 * 2 * 3);
    for (let y = 0; y < 2; y++) for (let x = 2; x < 4; x++) pixels.fill(255, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
    const path = join(dir, 'rotated.jpg');
    await sharp(pixels, { raw: { width: 4, height: 2, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toFile(path);
    expect((await sharp(path).metadata()).orientation).toBe(6);
    const image = await readImage(path);
    expect([image.width, image.height]).toEqual([2, 4]);
    // After a clockwise quarter turn the old left (black) half is on top, the white half at the bottom.
    const at = (x: number, y: number) => image.data[(y * image.width + x) * 3];
    expect(at(0, 0)).toBeLessThan(60);
    expect(at(1, 0)).toBeLessThan(60);
    expect(at(0, 3)).toBeGreaterThan(200);
    expect(at(1, 3)).toBeGreaterThan(200);
  });

  it('names the file for non-images, empty files and missing files', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'hello, not an image\n');
    await expect(readImage(text)).rejects.toThrow(/notes\.txt: not an image \(JPEG, PNG, WebP, GIF or TIFF expected\)$/);
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    await expect(readImage(empty)).rejects.toThrow(/empty\.jpg: empty file \(0 bytes\)/);
    await expect(readImage(join(dir, 'nope.png'))).rejects.toThrow(/nope\.png: file not found/);
    await expect(readImage(dir)).rejects.toThrow(/is a folder/);
  });

  it('writes PNG, JPEG and WebP by extension, atomically, and refuses other extensions', async () => {
    const image = { width: 3, height: 2, channels: 3 as const, data: Uint8Array.from({ length: 18 }, (_, i) => i * 14) };
    const out = await mkdtemp(join(dir, 'out-'));
    await writeImage(join(out, 'a.png'), image);
    expect(Array.from((await readImage(join(out, 'a.png'))).data)).toEqual(Array.from(image.data));
    await writeImage(join(out, 'a.jpg'), image);
    expect((await sharp(join(out, 'a.jpg')).metadata()).format).toBe('jpeg');
    await writeImage(join(out, 'a.webp'), image);
    expect((await sharp(join(out, 'a.webp')).metadata()).format).toBe('webp');
    const rgba = { width: 1, height: 1, channels: 4 as const, data: new Uint8Array([1, 2, 3, 128]) };
    await writeImage(join(out, 'b.png'), rgba);
    expect((await sharp(join(out, 'b.png')).metadata()).channels).toBe(4);
    await expect(writeImage(join(out, 'a.bmp'), image)).rejects.toThrow(/a\.bmp: cannot write images with extension '\.bmp'/);
    await expect(writeImage(join(out, 'c.png'), { ...image, width: 4 })).rejects.toThrow(/c\.png: image data has 18 bytes/);
    // No temporary files left behind.
    expect((await readdir(out)).sort()).toEqual(['a.jpg', 'a.png', 'a.webp', 'b.png']);
  });
});
