import type { Letterbox } from '../decode/types.js';
import type { Image8 } from '../render/types.js';
import type { TensorData } from '../runtime/types.js';
import { checkImage8 } from './image-checks.js';
import { letterboxContentSize, letterboxGeometry } from './letterbox-geometry.js';
import { resizeFloat } from './resample.js';

/** A network input and how the image was placed in it (to map boxes and maps back). */
export interface PreparedInput {
  /** [1, H, W, 3] float32 RGB in [0, 1]. */
  input: TensorData;
  letterbox: Letterbox;
}

/** Grey of the letterbox padding, as in darknet and keras-yolo3. */
export const LETTERBOX_PAD = 0.5;

/**
 * An 8-bit RGB(A) image as the network input: RGB in [0,1], scaled to fit `inputSize`
 * ([height, width]) with its aspect ratio kept, centred, padded with 0.5 grey. Alpha is
 * ignored. An image that already has the network size becomes exactly pixel/255.
 */
export function letterboxImage(image: Image8, inputSize: [number, number]): PreparedInput {
  checkImage8(image, 'letterboxImage');
  const { width, height, channels, data } = image;
  const letterbox = letterboxGeometry(width, height, inputSize);
  const { inputWidth, inputHeight, offsetX, offsetY } = letterbox;
  const content = letterboxContentSize(letterbox);

  const rgb = new Float32Array(width * height * 3);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += channels) {
    // Division in float64 then one rounding to float32 equals float32 division (no double-rounding error for /).
    rgb[p] = data[q] / 255;
    rgb[p + 1] = data[q + 1] / 255;
    rgb[p + 2] = data[q + 2] / 255;
  }
  const scaled = resizeFloat(rgb, width, height, 3, content.width, content.height);

  const out = new Float32Array(inputHeight * inputWidth * 3).fill(LETTERBOX_PAD);
  for (let y = 0; y < content.height; y++) {
    const from = y * content.width * 3;
    out.set(scaled.subarray(from, from + content.width * 3), ((y + offsetY) * inputWidth + offsetX) * 3);
  }
  return { input: { dims: [1, inputHeight, inputWidth, 3], data: out }, letterbox };
}
