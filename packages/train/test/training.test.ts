// Training end to end on a small cfg: the loss falls, and the saved .weights load through the
// darknet loader to exactly the network that was trained (batch norm in inference mode).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { darknetConvShapes, loadDarknet, parseDarknetCfg, readDarknetWeights } from '@yolo-saliency/core/loaders';
import { referenceForward } from '@yolo-saliency/core/graph';
import { selectTfjsBackend } from '@yolo-saliency/runtime-tfjs';
import { darknetWeightsBytes, syntheticBatch, trainDetector, TrainableDarknet } from '../src/index.js';
import { SMALL_CFG } from './small-cfg.js';

describe('trainDetector', () => {
  it('lowers the loss within a few steps on a fixed pool of images (smoke test)', async () => {
    await selectTfjsBackend('wasm');
    const cfg = parseDarknetCfg(SMALL_CFG, 'small.cfg');
    const { model, history } = await trainDetector(cfg, { steps: 30, batchSize: 4, imagePool: 4, learningRate: 5e-3, warmupSteps: 3 });
    const mean = (from: number, to: number) => history.slice(from, to).reduce((s, r) => s + r.loss, 0) / (to - from);
    const first = mean(0, 3);
    const last = mean(27, 30);
    expect(history.every((r) => Number.isFinite(r.loss))).toBe(true);
    expect(last).toBeLessThan(0.6 * first);
    model.dispose();
  });

  it('saves .weights that load as the same network (heads within 1e-5 x max)', async () => {
    await selectTfjsBackend('wasm');
    const cfg = parseDarknetCfg(SMALL_CFG, 'small.cfg');
    const { model } = await trainDetector(cfg, { steps: 4, batchSize: 4 });
    const bytes = await darknetWeightsBytes(model, 16);
    const loaded = loadDarknet({ cfg: SMALL_CFG, weights: bytes, cfgName: 'small.cfg' });
    expect(loaded.header?.seen).toBe(16);
    const batch = syntheticBatch(7, 0, 2, { size: 64, maxScale: 0.45, minScale: 0.15 });
    const trained = model.forward(tf.tensor4d(batch.pixels, batch.shape), false).map((t) => t.dataSync());
    const reference = referenceForward(loaded.graph, { dims: batch.shape, data: batch.pixels });
    reference.forEach((head, h) => {
      let scale = 0;
      let error = 0;
      head.data.forEach((v, k) => {
        scale = Math.max(scale, Math.abs(v));
        error = Math.max(error, Math.abs(v - trained[h][k]));
      });
      expect(error / scale).toBeLessThan(1e-5);
    });
    // Loading the saved parameters into a fresh model gives the same network again (the --init path).
    const resumed = new TrainableDarknet(cfg, 99);
    await resumed.loadDarknetParams(readDarknetWeights(bytes, darknetConvShapes(cfg), { weightsName: 'w', cfgName: 'small.cfg' }).params);
    const again = resumed.forward(tf.tensor4d(batch.pixels, batch.shape), false).map((t) => t.dataSync());
    again.forEach((head, h) => head.forEach((v, k) => expect(Math.abs(v - trained[h][k])).toBeLessThan(1e-4 * (1 + Math.abs(v)))));
    resumed.dispose();
    model.dispose();
  });

  it('refuses a non-square cfg and a cfg without heads', async () => {
    await expect(trainDetector(parseDarknetCfg(SMALL_CFG.replace('height=64', 'height=32'), 'rect.cfg'), { steps: 1 })).rejects.toThrow(/rect.cfg: training needs a square input/);
    const headless = '[net]\nwidth=32\nheight=32\nchannels=3\n\n[convolutional]\nfilters=4\nsize=1\nstride=1\nactivation=linear\n';
    await expect(trainDetector(parseDarknetCfg(headless, 'none.cfg'), { steps: 1 })).rejects.toThrow(/none.cfg: no \[yolo\] layer/);
  });
});
