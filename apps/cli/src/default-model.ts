/**
 * The bundled default model: a trained detector for the four synthetic shapes (circle, square,
 * triangle, cross): darknet's yolov3-tiny layout narrowed to 128x128 (fixtures/shapes/), with
 * weights from `pnpm train` on @yolo-saliency/synthetic images. It finds real objects, so every
 * command explains real detections out of the box. A photo model (yolov3-tiny with COCO names)
 * is bundled too, but only with seeded weights: pass it with --model.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's fixtures folder, found from this file (src/ or dist/ alike). */
const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

export const DEFAULT_MODEL = {
  cfg: `${FIXTURES}shapes/shapes-yolov3-tiny.cfg`,
  weights: `${FIXTURES}shapes/shapes-yolov3-tiny.weights`,
  names: `${FIXTURES}shapes/shapes.names`,
};

export interface DefaultModelPaths {
  model: string;
  weights: string;
  names: string;
}

/**
 * The bundled model's files; `weights` (the user's --weights) replaces the bundled weights.
 * Missing files are one line that says how to get them: the weights are written by training,
 * so a checkout without them is the likely case.
 */
export function defaultModelPaths(weights?: string): DefaultModelPaths {
  if (!existsSync(DEFAULT_MODEL.cfg)) {
    throw new Error(`${DEFAULT_MODEL.cfg}: the bundled default model is missing; pass --model`);
  }
  if (weights === undefined && !existsSync(DEFAULT_MODEL.weights)) {
    throw new Error(`${DEFAULT_MODEL.weights}: the bundled default model's trained weights are missing; run \`pnpm train\` to make them, or pass --model`);
  }
  return { model: DEFAULT_MODEL.cfg, weights: weights ?? DEFAULT_MODEL.weights, names: DEFAULT_MODEL.names };
}

/** The image the bundled model is shown on: a held-out synthetic image (fixtures/README.md). */
export const DEFAULT_IMAGE = `${FIXTURES}images/shapes.png`;

/** The bundled photo, the input for models given with --model. */
export const PHOTO_IMAGE = `${FIXTURES}images/dog.jpg`;
