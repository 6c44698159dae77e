import { describe, expect, it } from 'vitest';
import { BUNDLED_IMAGES, BUNDLED_MODELS, DEFAULT_IMAGE_ID, DEFAULT_MODEL_ID, bundledImage, bundledModel, loadModelFile, missingBundledFiles, readImage } from '../src/index.js';

describe('bundled models and images', () => {
  it('has unique URL-safe ids, files on disk, and a default model and image that exist', () => {
    for (const list of [BUNDLED_MODELS, BUNDLED_IMAGES]) {
      const ids = list.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    }
    for (const model of BUNDLED_MODELS) {
      expect(missingBundledFiles(model)).toEqual([]);
      expect(bundledImage(model.image)).toBeDefined();
    }
    expect(bundledModel(DEFAULT_MODEL_ID)).toBeDefined();
    expect(bundledImage(DEFAULT_IMAGE_ID)).toBeDefined();
    expect(bundledModel('../etc/passwd')).toBeUndefined();
  });

  it('loads the default model and reads the default image', async () => {
    const model = bundledModel(DEFAULT_MODEL_ID)!;
    const { graph, weightsSource } = await loadModelFile(model.files.model, { weights: model.files.weights, names: model.files.names });
    expect(weightsSource).toBe(model.trained ? 'file' : 'seeded');
    expect(graph.classNames.length).toBeGreaterThan(0);
    const image = await readImage(bundledImage(DEFAULT_IMAGE_ID)!.path);
    expect(image.width).toBeGreaterThan(0);
  });
});
