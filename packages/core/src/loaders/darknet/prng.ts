/**
 * mulberry32: a tiny, fast 32-bit PRNG. Seeded weights must be identical on every platform
 * and in the browser, which Math.random cannot give; this is integer-only (Math.imul).
 */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * Fill `out` with uniform values in [-limit, limit): the same sequence as calling next(),
   * with the state kept in a local so that yolov3's 62M weights take a fraction of a second.
   */
  fillUniform(out: Float32Array, limit: number): Float32Array {
    let state = this.state;
    const scale = (2 * limit) / 4294967296;
    for (let k = 0; k < out.length; k++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[k] = ((t ^ (t >>> 14)) >>> 0) * scale - limit;
    }
    this.state = state;
    return out;
  }
}
