/**
 * Training batches drawn from the synthetic generator: every step sees new images, so the
 * detector cannot memorise a fixed set. Sample k of a run is generateSample(sampleSeed(seed, k)),
 * which makes a run reproducible and keeps it apart from held-out sets with other seeds.
 */
import { letterboxImage } from '@yolo-saliency/core';
import { generateSample, sampleSeed, type SampleOptions } from '@yolo-saliency/synthetic';
import type { TrainingBox } from './anchor-assignment.js';

export interface ImageBatch {
  /** NHWC in [0, 1]. */
  pixels: Float32Array;
  shape: [number, number, number, number];
  boxes: TrainingBox[][];
}

/** Samples firstSample, firstSample+1, ... (modulo `pool` when given). */
export function syntheticBatch(seed: number, firstSample: number, batchSize: number, options: SampleOptions & { size: number }, pool = 0): ImageBatch {
  const { size } = options;
  const pixels = new Float32Array(batchSize * size * size * 3);
  const boxes: TrainingBox[][] = [];
  for (let b = 0; b < batchSize; b++) {
    const { image, objects } = generateSample(sampleSeed(seed, pool ? (firstSample + b) % pool : firstSample + b), options);
    // The preprocessing every command applies (at the network size: exactly pixel / 255), so the
    // detector trains on the inputs it will be explained on.
    pixels.set(letterboxImage(image, [size, size]).input.data, b * size * size * 3);
    boxes.push(objects.map(({ classIndex, box }) => ({ classIndex, box })));
  }
  return { pixels, shape: [batchSize, size, size, 3], boxes };
}
