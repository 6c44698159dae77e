import { hsvToRgb, mutedColour, type Rgb } from './colour.js';
import type { Random } from './random.js';
import { blend, rasterize } from './rasterize.js';
import type { Shape } from './shapes.js';

/**
 * Distractor marks that are not objects: thin line segments, dots and small elongated blobs,
 * all smaller than the smallest object. They are painted under the objects, so an object's
 * visible pixels (and its box) never depend on clutter.
 */
export function paintClutter(random: Random, canvas: Float32Array, size: number, count: number): void {
  for (let k = 0; k < count; k++) {
    const kind = random.int(0, 2);
    const cx = random.range(0, size);
    const cy = random.range(0, size);
    const rotation = random.range(0, Math.PI);
    let shape: Shape;
    if (kind === 0) {
      shape = { kind: 'segment', cx, cy, rotation, radius: random.range(0.03, 0.12) * size, aux: random.range(0.4, 1.1) };
    } else if (kind === 1) {
      shape = { kind: 'circle', cx, cy, rotation, radius: random.range(0.8, 2.2), aux: 0 };
    } else {
      shape = { kind: 'ellipse', cx, cy, rotation, radius: random.range(0.025, 0.04) * size, aux: random.range(0.3, 0.6) };
    }
    const colour: Rgb = random.uniform() < 0.5 ? mutedColour(random) : hsvToRgb(random.uniform(), random.range(0.3, 0.9), random.range(0.2, 0.9));
    blend(canvas, size, rasterize(shape, size), () => colour);
  }
}
