/**
 * A seeded PRNG (mulberry32, the same generator as core's createSeededRandom) kept local so the
 * package has no dependency; Math.random cannot be seeded.
 */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
}

export function createRandom(seed: number): Random {
  let state = Math.trunc(seed) >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  return {
    uniform,
    normal,
    range: (lo, hi) => lo + (hi - lo) * uniform(),
    int: (lo, hi) => lo + Math.floor(uniform() * (hi - lo + 1)),
  };
}

/**
 * The seed of sample k of the dataset with seed `seed`: a 32-bit hash of both (murmur3's
 * finaliser), so neighbouring (seed, k) pairs give unrelated streams and any sample can be
 * regenerated alone.
 */
export function sampleSeed(seed: number, k: number): number {
  let h = (Math.trunc(seed) >>> 0) ^ Math.imul((Math.trunc(k) >>> 0) + 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
