/**
 * The bundled default model: darknet's yolov3-tiny.cfg with COCO class names and seeded
 * (untrained) weights, so every command runs out of the box. Its detections mean nothing,
 * and every output says so.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's fixtures folder, found from this file (src/ or dist/ alike). */
const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

export const DEFAULT_MODEL = {
  cfg: `${FIXTURES}darknet/yolov3-tiny.cfg`,
  names: `${FIXTURES}darknet/coco.names`,
};

export function defaultModelPaths(): { model: string; names: string } {
  if (!existsSync(DEFAULT_MODEL.cfg)) {
    throw new Error(`the bundled default model is missing (${DEFAULT_MODEL.cfg}); pass --model`);
  }
  return { model: DEFAULT_MODEL.cfg, names: DEFAULT_MODEL.names };
}

/** The photo benchmarks explain when no image is given. */
export const DEFAULT_IMAGE = `${FIXTURES}images/dog.jpg`;
