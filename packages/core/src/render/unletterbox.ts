import type { Letterbox } from '../decode/types.js';
import { checkImage8 } from '../preprocess/image-checks.js';
import { letterboxContentSize } from '../preprocess/letterbox-geometry.js';
import { resizeFloat } from '../preprocess/resample.js';
import { toBytes } from './resize-image.js';
import type { Image8 } from './types.js';

/**
 * Bring a map (or a rendered image) from network-input coordinates back onto the original
 * photo: crop the letterbox padding away and resize the content to the image size, so an
 * overlay lands on the pixels that produced it.
 *
 * A Float32Array is [inputHeight × inputWidth × channels] (channels default 1) and comes
 * back as [imageHeight × imageWidth × channels]; an Image8 comes back as an Image8.
 */
export function unletterboxMap(map: Float32Array, letterbox: Letterbox, channels?: number): Float32Array;
export function unletterboxMap(map: Image8, letterbox: Letterbox): Image8;
export function unletterboxMap(map: Float32Array | Image8, letterbox: Letterbox, channels = 1): Float32Array | Image8 {
  if (map instanceof Float32Array) return unletterboxValues(map, letterbox, channels);
  checkImage8(map, 'unletterboxMap');
  if (map.width !== letterbox.inputWidth || map.height !== letterbox.inputHeight) {
    throw new Error(
      `unletterboxMap: image is ${map.width}×${map.height}, expected the network input size ${letterbox.inputWidth}×${letterbox.inputHeight}`,
    );
  }
  const values = unletterboxValues(Float32Array.from(map.data), letterbox, map.channels);
  return { width: letterbox.imageWidth, height: letterbox.imageHeight, channels: map.channels, data: toBytes(values) };
}

function unletterboxValues(map: Float32Array, letterbox: Letterbox, channels: number): Float32Array {
  const { inputWidth, inputHeight, offsetX, offsetY, imageWidth, imageHeight } = letterbox;
  if (map.length !== inputWidth * inputHeight * channels) {
    throw new Error(
      `unletterboxMap: map has ${map.length} values, expected ${inputWidth}×${inputHeight}×${channels} = ${inputWidth * inputHeight * channels} (the network input size)`,
    );
  }
  const content = letterboxContentSize(letterbox);
  const rowLength = content.width * channels;
  const cropped = new Float32Array(content.height * rowLength);
  for (let y = 0; y < content.height; y++) {
    const from = ((y + offsetY) * inputWidth + offsetX) * channels;
    cropped.set(map.subarray(from, from + rowLength), y * rowLength);
  }
  return resizeFloat(cropped, content.width, content.height, channels, imageWidth, imageHeight);
}
