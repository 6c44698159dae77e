import { mutedColour } from './colour.js';
import { createRandom, type Random } from './random.js';

/**
 * A textured background on a float RGB canvas (0..255): a smooth gradient between two muted
 * colours, low-frequency value noise, and faint stripes or checks at a random scale and angle.
 * Its contrast stays below the objects' so that shapes remain the salient structure.
 */
export function paintBackground(random: Random, size: number): Float32Array {
  const canvas = new Float32Array(size * size * 3);
  const from = mutedColour(random);
  const to = mutedColour(random);
  const angle = random.range(0, 2 * Math.PI);
  const gx = Math.cos(angle) / size;
  const gy = Math.sin(angle) / size;

  // Value noise: random levels on a coarse (cells+1)^2 grid, bilinearly interpolated.
  const cells = random.int(2, 6);
  const grid = new Float32Array((cells + 1) * (cells + 1) * 3);
  const noiseAmp = random.range(10, 35);
  for (let i = 0; i < grid.length; i++) grid[i] = (random.uniform() - 0.5) * 2 * noiseAmp;

  const pattern = random.int(0, 2); // 0 none, 1 stripes, 2 checks
  const period = random.range(4, size / 4);
  const patternAngle = random.range(0, Math.PI);
  const pc = Math.cos(patternAngle);
  const ps = Math.sin(patternAngle);
  const patternAmp = random.range(6, 20);

  const cellSize = size / cells;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + (x - size / 2) * gx + (y - size / 2) * gy));
      const fx = x / cellSize;
      const fy = y / cellSize;
      const ix = Math.min(cells - 1, Math.floor(fx));
      const iy = Math.min(cells - 1, Math.floor(fy));
      const ax = fx - ix;
      const ay = fy - iy;
      let texture = 0;
      if (pattern !== 0) {
        const u = (x * pc + y * ps) / period;
        const stripe = Math.floor(u) & 1;
        texture = pattern === 1 ? stripe : stripe ^ (Math.floor((-x * ps + y * pc) / period) & 1);
        texture = (texture - 0.5) * patternAmp;
      }
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        const g00 = grid[(iy * (cells + 1) + ix) * 3 + c];
        const g01 = grid[(iy * (cells + 1) + ix + 1) * 3 + c];
        const g10 = grid[((iy + 1) * (cells + 1) + ix) * 3 + c];
        const g11 = grid[((iy + 1) * (cells + 1) + ix + 1) * 3 + c];
        const noise = (g00 * (1 - ax) + g01 * ax) * (1 - ay) + (g10 * (1 - ax) + g11 * ax) * ay;
        canvas[o + c] = from[c] + (to[c] - from[c]) * t + noise + texture;
      }
    }
  }
  return canvas;
}

const NORMAL_TABLE_BITS = 12;
let normalTable: Float32Array | undefined;

/**
 * 4096 standard normal values from a fixed seed: per-pixel noise picks from it with one
 * uniform draw instead of a Box–Muller pair (the noise step was most of a sample's time).
 */
function normals(): Float32Array {
  if (!normalTable) {
    const fixed = createRandom(0x5eed);
    normalTable = Float32Array.from({ length: 1 << NORMAL_TABLE_BITS }, () => fixed.normal());
  }
  return normalTable;
}

/** Independent Gaussian noise on every channel of every pixel (sensor-like). */
export function addPixelNoise(random: Random, canvas: Float32Array, sigma: number): void {
  const table = normals();
  const scale = 1 << NORMAL_TABLE_BITS;
  for (let i = 0; i < canvas.length; i++) canvas[i] += table[Math.floor(random.uniform() * scale)] * sigma;
}
