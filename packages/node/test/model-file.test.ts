import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../src/index.js';

const fixture = (p: string) => new URL(`../../../fixtures/${p}`, import.meta.url).pathname;

describe('loadModelFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ys-model-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a darknet cfg with seeded weights and says it is untrained', async () => {
    const model = await loadModelFile(fixture('darknet/yolov3-tiny.cfg'), { names: fixture('darknet/coco.names') });
    expect(model.weightsSource).toBe('seeded');
    expect(model.description).toMatch(/yolov3-tiny\.cfg/);
    expect(model.description).toMatch(/UNTRAINED/);
    expect(model.graph.heads.length).toBe(2);
    expect(model.graph.classNames.length).toBe(80);
    expect(model.graph.classNames[16]).toBe('dog');
    expect(model.graph.inputSize).toEqual([416, 416]);
  });

  it('loads Keras .h5 and .keras models', async () => {
    const h5 = await loadModelFile(fixture('keras/keras-tiny-yolo3-w2-c2.h5'));
    expect(h5.weightsSource).toBe('file');
    expect(h5.graph.heads.length).toBe(2);
    expect(h5.graph.classNames.length).toBe(2);
    const archive = await loadModelFile(fixture('keras/keras-yolo3-w2-c3.keras'));
    expect(archive.graph.heads.length).toBe(3);
    expect(archive.graph.classNames.length).toBe(3);
  });

  it('names the file in every error', async () => {
    await expect(loadModelFile(join(dir, 'model.onnx.txt'))).rejects.toThrow(/model\.onnx\.txt: unknown model format '\.txt'/);
    await expect(loadModelFile(join(dir, 'missing.cfg'))).rejects.toThrow(/missing\.cfg: file not found/);

    const truncated = join(dir, 'half.h5');
    const bytes = await readFile(fixture('keras/keras-yolo3-w2-c3.h5'));
    await writeFile(truncated, bytes.subarray(0, bytes.length >> 1));
    await expect(loadModelFile(truncated)).rejects.toThrow(/half\.h5/);

    const cfg = join(dir, 'odd.cfg');
    const text = await readFile(fixture('darknet/yolov3-tiny.cfg'), 'utf8');
    await writeFile(cfg, text.replace('[maxpool]', '[teleport]'));
    await expect(loadModelFile(cfg)).rejects.toThrow(/odd\.cfg.*teleport/);

    const weights = join(dir, 'short.weights');
    await writeFile(weights, new Uint8Array(100));
    await expect(loadModelFile(fixture('darknet/yolov3-tiny.cfg'), { weights })).rejects.toThrow(/short\.weights/);

    const names = join(dir, 'three.names');
    await writeFile(names, 'a\nb\nc\n');
    await expect(loadModelFile(fixture('darknet/yolov3-tiny.cfg'), { names })).rejects.toThrow(/3 class names/);
  });
});
