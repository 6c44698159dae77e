/**
 * Files a user can name that are not what they claim (issue 9): links to devices, FIFOs,
 * folders, files over their size limit, names too long for a temporary file. Every case ends
 * at once with one line naming the file; nothing is read past the limit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, GRAPH_METADATA_KEY, importOnnx } from '@yolo-saliency/core/onnx';
import {
  fileError,
  INPUT_FILE_LIMITS,
  isFileTooLargeError,
  loadModelFile,
  parseAnchorsText,
  readImage,
  readImageSize,
  readInputFile,
  readNpy,
  writeFileAtomic,
  writeImage,
  writeNpy,
} from '../src/index.js';
import { temporaryName } from '../src/atomic-write.js';

const fixture = (p: string) => new URL(`../../../fixtures/${p}`, import.meta.url).pathname;
const posix = process.platform !== 'win32';

/** Resolves to the rejection message, failing if it takes longer than `ms`. */
async function quickRejection(promise: Promise<unknown>, ms = 2000): Promise<string> {
  const started = performance.now();
  const outcome = await Promise.race([
    promise.then(
      () => 'resolved',
      (error: unknown) => (error as Error).message,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), ms)),
  ]);
  expect(performance.now() - started).toBeLessThan(ms);
  expect(outcome).not.toBe('resolved');
  expect(outcome).not.toBe('timed out');
  expect(outcome.split('\n')).toHaveLength(1);
  return outcome;
}

describe.runIf(posix)('special files are refused before they are read', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ys-hostile-'));
    await symlink('/dev/urandom', join(dir, 'urandom.onnx'));
    for (const name of ['zero.npy', 'zero.cfg', 'zero.names', 'zero.weights', 'zero.h5']) await symlink('/dev/zero', join(dir, name));
    for (const name of ['fifo.cfg', 'fifo.onnx', 'fifo.npy', 'fifo.names', 'fifo.weights', 'fifo.png']) execFileSync('mkfifo', [join(dir, name)]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a link to /dev/urandom named .onnx is a character device, not 6.6 GB of reading', async () => {
    const path = join(dir, 'urandom.onnx');
    expect(await quickRejection(loadModelFile(path))).toBe(`${path}: is a character device, not a regular file`);
  });

  it('/dev/zero as a model, cfg, names, weights or .npy file', async () => {
    const zero = (name: string) => join(dir, name);
    expect(await quickRejection(loadModelFile(zero('zero.cfg')))).toBe(`${zero('zero.cfg')}: is a character device, not a regular file`);
    expect(await quickRejection(loadModelFile(zero('zero.h5')))).toBe(`${zero('zero.h5')}: is a character device, not a regular file`);
    expect(await quickRejection(loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'), { names: zero('zero.names') }))).toMatch(/zero\.names: is a character device/);
    expect(await quickRejection(loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'), { weights: zero('zero.weights') }))).toMatch(/zero\.weights: is a character device/);
    expect(await quickRejection(readNpy(zero('zero.npy')))).toBe(`${zero('zero.npy')}: is a character device, not a regular file`);
  });

  it('a FIFO never blocks: model, names, weights, .npy and images', async () => {
    const fifo = (name: string) => join(dir, name);
    expect(await quickRejection(loadModelFile(fifo('fifo.cfg')))).toBe(`${fifo('fifo.cfg')}: is a named pipe (FIFO), not a regular file`);
    expect(await quickRejection(loadModelFile(fifo('fifo.onnx')))).toMatch(/fifo\.onnx: is a named pipe \(FIFO\)/);
    expect(await quickRejection(loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'), { names: fifo('fifo.names') }))).toMatch(/fifo\.names: is a named pipe/);
    expect(await quickRejection(loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'), { weights: fifo('fifo.weights') }))).toMatch(/fifo\.weights: is a named pipe/);
    expect(await quickRejection(readNpy(fifo('fifo.npy')))).toMatch(/fifo\.npy: is a named pipe/);
    expect(await quickRejection(readImage(fifo('fifo.png')))).toBe(`${fifo('fifo.png')}: is a named pipe (FIFO), not a regular file`);
  });

  it('a folder, a missing file and a dangling link say so', async () => {
    await mkdir(join(dir, 'folder.cfg'));
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling.onnx'));
    expect(await quickRejection(loadModelFile(join(dir, 'folder.cfg')))).toBe(`${join(dir, 'folder.cfg')}: is a folder, not a file`);
    expect(await quickRejection(loadModelFile(join(dir, 'dangling.onnx')))).toBe(`${join(dir, 'dangling.onnx')}: file not found`);
  });
});

describe('size limits per kind of file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ys-limits-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are exported, small for text and generous for models', () => {
    expect(INPUT_FILE_LIMITS).toEqual({ cfg: 1 << 20, names: 1 << 20, npy: 512 << 20, model: 1 << 30, weights: 1 << 30 });
  });

  it('refuse a file over its limit by its size alone, naming the kind and the limit', async () => {
    const cfg = join(dir, 'big.cfg');
    await writeFile(cfg, `[net]\n${'#'.repeat((1 << 20) + 10)}\n`);
    const message = await quickRejection(loadModelFile(cfg));
    expect(message).toBe(`${cfg}: is 1.0 MiB, over the 1 MiB limit for .cfg files`);
    const error = await readInputFile(cfg, 'cfg').catch((e: unknown) => e);
    expect(isFileTooLargeError(error) && [error.kind, error.limit, error.size]).toEqual(['cfg', 1 << 20, (1 << 20) + 17]);
  });

  it('can be raised or lowered per load', async () => {
    const cfg = join(dir, 'big.cfg');
    await expect(loadModelFile(cfg, { limits: { cfg: 2 << 20 } })).rejects.toThrow(/no layers after \[net\]/);
    await expect(loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'), { weights: fixture('shapes/shapes-yolov3-tiny.weights'), limits: { weights: 1000 } })).rejects.toThrow(
      /shapes-yolov3-tiny\.weights: is 3\.4 MiB, over the 1000 bytes limit for \.weights files/,
    );
    await expect(readNpy(fixture('keras/keras-tiny-yolo3-w2-c2.input.npy'), undefined, { maxBytes: 100 })).rejects.toThrow(/input\.npy: is .* over the 100 bytes limit for \.npy arrays/);
  });
});

describe('messages', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ys-messages-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a wrong number of class names names the names file, also for darknet', async () => {
    const names = join(dir, 'three.names');
    await writeFile(names, 'a\nb\nc\n');
    await expect(loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'), { names })).rejects.toThrow(`${names}: 3 class names, but the model has 4 classes`);
  });

  it('NaN weights name the weights file, not the cfg', async () => {
    const bytes = new Uint8Array(await readFile(fixture('shapes/shapes-yolov3-tiny.weights')));
    new Float32Array(bytes.buffer, 20).fill(Number.NaN);
    const weights = join(dir, 'nan.weights');
    await writeFile(weights, bytes);
    await expect(loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'), { weights })).rejects.toThrow(/^nan\.weights: layer 'conv_0' \(\[convolutional\] at shapes-yolov3-tiny\.cfg:\d+\): biases: all 8 values are not finite/);
  });

  it('a .npy header of 100 KB of junk gives a short message', async () => {
    const junk = `{'descr': '<f4', ${'\x1b[2J'.repeat(25_000)}}`;
    const bytes = new Uint8Array(12 + junk.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0], 0);
    new DataView(bytes.buffer).setUint32(8, junk.length, true);
    bytes.set(new TextEncoder().encode(junk), 12);
    const path = join(dir, 'junk.npy');
    await writeFile(path, bytes);
    const message = await quickRejection(readNpy(path));
    expect(message.length).toBeLessThan(400);
    expect(message).toMatch(/junk\.npy: malformed \.npy header: \{'descr': '<f4', \\x1b\[2J/);
    expect(message).not.toMatch(/[\x00-\x1f]/);
  });

  it('control bytes from a file never reach the message', async () => {
    const cfg = join(dir, 'binary.cfg');
    await writeFile(cfg, '[net]\nwidth=\x1b[2J\x1b]0;owned\x07\n[maxpool]\n');
    const message = await quickRejection(loadModelFile(cfg));
    expect(message).toContain("'width=\\x1b[2J\\x1b]0' is not an integer");
    expect(message).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(fileError('x.cfg', 'bad \x1b[31m red').message).toBe('x.cfg: bad \\x1b[31m red');
  });
});

describe('found by the fuzz suite (test/fuzz)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ys-fuzz-found-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const svg = (inner: string) => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64">${inner}</svg>`;

  it.runIf(posix)('an SVG is refused before it is rendered: one that draws a FIFO next to it blocked for ever', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.png')]);
    const refers = join(dir, 'refers.svg');
    await writeFile(refers, svg('<image xlink:href="pipe.png" href="pipe.png" width="64" height="64"/>'));
    expect(await quickRejection(readImage(refers))).toBe(`${refers}: an SVG or XML document, not a raster image (JPEG, PNG, WebP, GIF or TIFF expected; convert a drawing to PNG first)`);
    expect(await readImageSize(refers)).toBeUndefined();
    // 20,000 blurred circles took more than 10 s to render; named .png, it is still an SVG.
    const heavy = join(dir, 'heavy.png');
    await writeFile(heavy, svg('<circle cx="32" cy="32" r="30" filter="blur(5px)"/>'.repeat(20_000)));
    expect(await quickRejection(readImage(heavy))).toMatch(/heavy\.png: an SVG or XML document, not a raster image/);
  });

  it('AVIF/HEIF is refused (its decoder printed GLib criticals to stderr for a header declaring 128x2130706560)', async () => {
    const avif = new Uint8Array(64);
    avif.set([0, 0, 0, 0x1c, ...new TextEncoder().encode('ftypavif')]);
    const path = join(dir, 'photo.avif');
    await writeFile(path, avif);
    expect(await quickRejection(readImage(path))).toMatch(/photo\.avif: an AVIF, HEIF or other ISO media file, which is not read \(JPEG, PNG, WebP, GIF or TIFF expected; convert it to PNG or JPEG\)$/);
    expect(await readImageSize(path)).toBeUndefined();
  });

  it('a damaged image is one line without the repeated path of libvips messages', async () => {
    const png = new Uint8Array(await readFile(fixture('images/shapes.png')));
    const cut = join(dir, 'cut.png');
    await writeFile(cut, png.subarray(0, 2000));
    const message = await quickRejection(readImage(cut));
    expect(message).toMatch(/^\S+cut\.png: not an image \(sharp: /);
    expect(message.split(cut)).toHaveLength(2);
  });

  it.runIf(posix)('a file name with a line break or an escape sequence is escaped in messages', async () => {
    const odd = join(dir, 'odd\x1b[31m\nname.npy');
    await writeFile(odd, 'not an array');
    const message = await quickRejection(readNpy(odd));
    expect(message).toBe(`${dir}/odd\\x1b[31m\\x0aname.npy: not a .npy file (bad magic)`);
    const missing = await quickRejection(readInputFile(join(dir, 'gone\n.cfg'), 'cfg'));
    expect(missing).toBe(`${dir}/gone\\x0a.cfg: file not found`);
    expect(await quickRejection(loadModelFile(join(dir, 'x\u202e.onnx')))).toBe(`${dir}/x\\u202e.onnx: file not found`);
  });

  it('anchors text is quoted escaped and cut', () => {
    const message = (text: string) => {
      try {
        parseAnchorsText(text);
      } catch (error) {
        return (error as Error).message;
      }
      return 'parsed';
    };
    expect(message('10,14 \x1b[31m;5,6')).toBe("head 0: anchor '\\x1b[31m' is not 'w,h' with a width and height in (0, 65536] pixels");
    expect(message('a\rb;')).toMatch(/^anchors 'a\\x0db;' have an empty head group/);
    expect(message(`${'x'.repeat(100_000)};`).length).toBeLessThan(250);
  });
});

describe('warnings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ys-warnings-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an unknown .weights version is a warning on the loaded model', async () => {
    const bytes = new Uint8Array(await readFile(fixture('shapes/shapes-yolov3-tiny.weights')));
    new DataView(bytes.buffer).setInt32(0, 9, true);
    new DataView(bytes.buffer).setInt32(4, 9, true);
    const weights = join(dir, 'v99.weights');
    await writeFile(weights, bytes);
    const model = await loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'), { weights });
    expect(model.warnings).toEqual([expect.stringMatching(/^v99\.weights: unknown darknet weights version 9\.9\.0 .*'seen' was read as a 64-bit count/)]);
    expect((await loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'))).warnings).toEqual([]);
  });

  it('an ONNX file without our metadata warns that default anchors were assumed, unless anchors are given', async () => {
    const ours = await loadModelFile(fixture('shapes/shapes-yolov3-tiny.cfg'));
    const { bytes } = exportOnnx(ours.graph);
    // The same model with its metadata removed, as another tool would write it.
    const foreign = join(dir, 'foreign.onnx');
    await writeFile(foreign, stripMetadata(bytes));
    expect(importOnnx(stripMetadata(bytes), 'x').metadata.has(GRAPH_METADATA_KEY)).toBe(false);
    const loaded = await loadModelFile(foreign);
    expect(loaded.warnings).toEqual([expect.stringMatching(/^foreign\.onnx: the file carries no anchors, so keras-yolo3's defaults for 2 heads were assumed/)]);
    const anchors = parseAnchorsText('10,14 23,27 37,58; 81,82 135,169 344,319');
    expect((await loadModelFile(foreign, { anchors })).warnings).toEqual([]);
    await expect(loadModelFile(foreign, { anchors: anchors.slice(0, 1) })).rejects.toThrow(`${foreign}: 1 groups of anchors given for a model with 2 heads`);
    const exported = join(dir, 'ours.onnx');
    await writeFile(exported, bytes);
    expect((await loadModelFile(exported)).warnings).toEqual([]);
    expect((await loadModelFile(exported, { anchors })).warnings).toEqual(['ours.onnx: the file carries its own anchors; the anchors given were not used']);
  });

  it('parses anchors text and refuses what is not anchors', () => {
    expect(parseAnchorsText(' 10,14 23,27 | 5,6 ')).toEqual([[[10, 14], [23, 27]], [[5, 6]]]);
    expect(() => parseAnchorsText('10,14 -3,4')).toThrow("head 0: anchor '-3,4' is not 'w,h' with a width and height in (0, 65536] pixels");
    expect(() => parseAnchorsText('10,14;')).toThrow(/empty head group/);
  });
});

describe('atomic writes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ys-atomic-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('write a 240-character file name: the temporary name stays short, in the same folder', async () => {
    const long = join(dir, `${'x'.repeat(236)}.png`);
    expect(basename(long)).toHaveLength(240);
    const temp = temporaryName(long);
    expect(temp.startsWith(`${dir}/.`)).toBe(true);
    expect(Buffer.byteLength(basename(temp))).toBeLessThan(64);
    await writeImage(long, { width: 2, height: 1, channels: 3, data: new Uint8Array(6) });
    await writeNpy(join(dir, `${'y'.repeat(236)}.npy`), { dims: [1], data: Float32Array.of(1) });
    expect((await readdir(dir)).sort()).toEqual([basename(long), `${'y'.repeat(236)}.npy`]);
  });

  it('a failed write names the destination once, never the temporary file', async () => {
    const tooLong = join(dir, `${'z'.repeat(300)}.png`);
    const message = await writeImage(tooLong, { width: 1, height: 1, channels: 3, data: new Uint8Array(3) }).catch((e: Error) => e.message);
    expect(message).toBe(`${tooLong}: cannot write: the file name is too long (304 bytes; file systems allow 255)`);
    const missing = join(dir, 'no', 'such', 'folder', 'a.npy');
    const missingMessage = await writeNpy(missing, { dims: [1], data: Float32Array.of(1) }).catch((e: Error) => e.message);
    expect(missingMessage).toBe(`${missing}: cannot write: its folder does not exist`);
    await expect(writeFileAtomic(missing, new Uint8Array(1))).rejects.toMatchObject({ code: 'ENOENT', message: 'its folder does not exist' });
    expect(existsSync(join(dir, 'no'))).toBe(false);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

/** The ONNX bytes without metadata_props (field 14 of ModelProto), as a foreign exporter writes them. */
function stripMetadata(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
      shift += 7;
    }
  };
  while (at < bytes.length) {
    const start = at;
    const key = varint();
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 2) {
      const length = varint();
      at += length;
    }
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    if (key >>> 3 !== 14) for (let i = start; i < at; i++) out.push(bytes[i]);
  }
  return Uint8Array.from(out);
}
