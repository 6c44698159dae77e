/**
 * Conv filter layouts: the IR, darknet and ONNX store OIHW; Keras and tfjs use HWIO. One
 * index permutation each way, shared by the Keras loader, the tfjs runtime and the trainer.
 */

/** [kh, kw, input channels, filters], the HWIO shape of a filter. */
export type FilterShape = readonly [kh: number, kw: number, channels: number, filters: number];

export function hwioToOihw(hwio: ArrayLike<number>, [kh, kw, c, o]: FilterShape): Float32Array {
  const out = new Float32Array(hwio.length);
  for (let f = 0; f < o; f++) {
    for (let ci = 0; ci < c; ci++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) out[((f * c + ci) * kh + y) * kw + x] = hwio[((y * kw + x) * c + ci) * o + f];
      }
    }
  }
  return out;
}

export function oihwToHwio(oihw: ArrayLike<number>, [kh, kw, c, o]: FilterShape): Float32Array {
  const out = new Float32Array(oihw.length);
  for (let f = 0; f < o; f++) {
    for (let ci = 0; ci < c; ci++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) out[((y * kw + x) * c + ci) * o + f] = oihw[((f * c + ci) * kh + y) * kw + x];
      }
    }
  }
  return out;
}
