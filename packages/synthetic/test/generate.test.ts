import { describe, expect, it } from 'vitest';
import { generateDataset, generateSample, maskBox, sampleSeed, SYNTHETIC_CLASSES, type SyntheticSample } from '../src/index.js';

const SIZE = 128;

/** Tight box recomputed here from a mask, independently of the package's maskBox. */
function boxOf(mask: Uint8Array, size: number): number[] {
  const xs: number[] = [];
  const ys: number[] = [];
  mask.forEach((v, i) => {
    if (v) {
      xs.push(i % size);
      ys.push(Math.floor(i / size));
    }
  });
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs) + 1, Math.max(...ys) + 1];
}

const count = (mask: Uint8Array) => mask.reduce((n, v) => n + v, 0);

describe('generateSample', () => {
  it('is deterministic: same seed gives identical bytes and labels, other seeds differ', () => {
    const a = generateSample(42);
    const b = generateSample(42);
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(b.objects).toEqual(a.objects);
    const c = generateSample(43);
    expect(Buffer.from(a.image.data).equals(Buffer.from(c.image.data))).toBe(false);
    // Asking for masks changes nothing else.
    const withMasks = generateSample(42, { masks: true });
    expect(Buffer.from(withMasks.image.data).equals(Buffer.from(a.image.data))).toBe(true);
    expect(withMasks.objects.map((o) => o.box)).toEqual(a.objects.map((o) => o.box));
  });

  it('returns an RGB image of the requested size with varied 8-bit values', () => {
    const { image } = generateSample(7, { size: 64 });
    expect([image.width, image.height, image.channels, image.data.length]).toEqual([64, 64, 3, 64 * 64 * 3]);
    expect(image.data).toBeInstanceOf(Uint8Array);
    const distinct = new Set(image.data).size;
    expect(distinct).toBeGreaterThan(50); // texture + noise, not flat colours
  });

  it('dataset sample k equals the sample regenerated alone from sampleSeed(seed, k)', () => {
    const ds = generateDataset(5, 4, { size: 64 });
    const alone = generateSample(sampleSeed(5, 3), { size: 64 });
    expect(Buffer.from(ds[3].image.data).equals(Buffer.from(alone.image.data))).toBe(true);
    expect(new Set([0, 1, 2, 3].map((k) => sampleSeed(5, k))).size).toBe(4);
    expect(sampleSeed(5, 0)).not.toBe(sampleSeed(6, 0));
  });

  it('refuses bad options with one line naming the option', () => {
    expect(() => generateSample(1, { size: 8 })).toThrow(/size must be an integer in \[16, 4096\], got 8/);
    expect(() => generateSample(1, { minObjects: 3, maxObjects: 2 })).toThrow(/maxObjects/);
    expect(() => generateSample(1, { classes: ['hexagon' as never] })).toThrow(/unknown class 'hexagon'/);
    expect(() => generateDataset(1, -1)).toThrow(/count must be an integer >= 0, got -1/);
  });
});

describe('a 200-sample dataset at 128 px', () => {
  const samples: SyntheticSample[] = generateDataset(2026, 200, { size: SIZE, masks: true, minObjects: 1, maxObjects: 5 });
  const objects = samples.flatMap((s) => s.objects.map((o, index) => ({ o, index, s })));

  it('has between minObjects and maxObjects objects per image', () => {
    for (const s of samples) {
      expect(s.objects.length).toBeGreaterThanOrEqual(1);
      expect(s.objects.length).toBeLessThanOrEqual(5);
    }
    // The range is used, not just its ends.
    expect(new Set(samples.map((s) => s.objects.length)).size).toBeGreaterThanOrEqual(4);
  });

  it('gives every object a box tight around its visible mask, inside the image', () => {
    for (const { o } of objects) {
      const mask = o.mask as Uint8Array;
      expect(mask.length).toBe(SIZE * SIZE);
      expect(o.box).toEqual(boxOf(mask, SIZE));
      expect(o.box).toEqual(maskBox(mask, SIZE));
      const [x1, y1, x2, y2] = o.box;
      expect(x1).toBeGreaterThanOrEqual(0);
      expect(y1).toBeGreaterThanOrEqual(0);
      expect(x2).toBeLessThanOrEqual(SIZE);
      expect(y2).toBeLessThanOrEqual(SIZE);
      // Sizes within 10–45% of the side (a bit less for the inscribed shapes, and occlusion).
      expect(Math.max(x2 - x1, y2 - y1)).toBeGreaterThanOrEqual(4);
      expect(Math.max(x2 - x1, y2 - y1)).toBeLessThanOrEqual(Math.ceil(0.45 * SIZE) + 2);
      expect(o.className).toBe(SYNTHETIC_CLASSES[o.classIndex]);
    }
  });

  it('computes visibility from the masks and never hides more than half of an object', () => {
    let occluded = 0;
    for (const s of samples) {
      s.objects.forEach((o, i) => {
        // Visible = full mask minus the full masks of every later object.
        const expected = (o.fullMask as Uint8Array).map((v, p) => (v && s.objects.slice(i + 1).every((later) => !later.fullMask?.[p]) ? 1 : 0));
        expect(Buffer.from(o.mask as Uint8Array).equals(Buffer.from(expected))).toBe(true);
        const fraction = count(o.mask as Uint8Array) / count(o.fullMask as Uint8Array);
        expect(fraction).toBeCloseTo(o.visibleFraction, 12);
        expect(fraction).toBeGreaterThanOrEqual(0.5);
        if (fraction < 1) occluded++;
      });
    }
    // Occlusion does happen.
    expect(occluded).toBeGreaterThan(10);
  });

  it('draws objects in a colour that differs from the background under them', () => {
    // The mean colour inside the visible mask differs from the mean of a ring of pixels just outside the box.
    let contrasted = 0;
    for (const { o, s } of objects) {
      const inside = [0, 0, 0];
      let n = 0;
      (o.mask as Uint8Array).forEach((v, p) => {
        if (!v) return;
        for (let c = 0; c < 3; c++) inside[c] += s.image.data[p * 3 + c];
        n++;
      });
      const [x1, y1] = o.box;
      const outside = [...s.image.data.subarray((y1 * SIZE + x1) * 3, (y1 * SIZE + x1) * 3 + 3)];
      if (Math.hypot(...inside.map((v, c) => v / n - outside[c])) > 30) contrasted++;
    }
    expect(contrasted / objects.length).toBeGreaterThan(0.8);
  });
});

describe('class balance', () => {
  it('draws the four classes with roughly equal frequency over 500 samples', () => {
    const counts = [0, 0, 0, 0];
    for (const s of generateDataset(11, 500, { size: 64 })) for (const o of s.objects) counts[o.classIndex]++;
    const total = counts.reduce((a, b) => a + b, 0);
    for (const c of counts) expect(c / total).toBeGreaterThan(0.2);
    for (const c of counts) expect(c / total).toBeLessThan(0.3);
  });

  it('indexes a chosen subset of classes in the given order', () => {
    const classes = ['triangle', 'circle'] as const;
    const seen = new Set<string>();
    for (const s of generateDataset(3, 30, { size: 64, classes })) {
      for (const o of s.objects) {
        expect(o.className).toBe(classes[o.classIndex]);
        seen.add(o.className);
      }
    }
    expect([...seen].sort()).toEqual(['circle', 'triangle']);
  });
});
