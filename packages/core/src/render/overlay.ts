import { checkImage8 } from '../preprocess/image-checks.js';
import { resizeImage8 } from './resize-image.js';
import type { Image8 } from './types.js';

/**
 * Blend a heat map over a base image: out = (1 − a)·base + a·heat per RGB channel, with
 * a = alpha × (heat's own alpha / 255 when it has one, so transparent heat pixels leave the
 * base untouched). The heat map is resized (bilinear) to the base size when they differ.
 * Returns RGBA at the base size; alpha is the base's, or opaque.
 */
export function overlay(base: Image8, heat: Image8, alpha = 0.5): Image8 {
  checkImage8(base, 'overlay (base)');
  checkImage8(heat, 'overlay (heat)');
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`overlay: alpha must be in [0, 1], got ${alpha}`);
  const sized = heat.width === base.width && heat.height === base.height ? heat : resizeImage8(heat, base.width, base.height);
  const data = new Uint8ClampedArray(base.width * base.height * 4);
  const bc = base.channels;
  const hc = sized.channels;
  for (let p = 0; p < base.width * base.height; p++) {
    const a = hc === 4 ? (alpha * sized.data[p * 4 + 3]) / 255 : alpha;
    for (let c = 0; c < 3; c++) {
      data[p * 4 + c] = Math.round((1 - a) * base.data[p * bc + c] + a * sized.data[p * hc + c]);
    }
    data[p * 4 + 3] = bc === 4 ? base.data[p * 4 + 3] : 255;
  }
  return { width: base.width, height: base.height, channels: 4, data };
}
