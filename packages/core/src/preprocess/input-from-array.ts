import type { TensorData } from '../runtime/types.js';
import type { PreparedInput } from './letterbox-image.js';

/**
 * A preprocessed input (e.g. a float32 .npy, [H,W,3] or [1,H,W,3], values in [0,1]) as the
 * network input. It must already have the network size (`inputSize`, [height, width]): it
 * is used as is, never resampled, so the saliency is of exactly these values. `source`
 * names the file in errors.
 */
export function inputFromFloatArray(
  data: Float32Array,
  dims: number[],
  inputSize: [number, number],
  source = 'preprocessed input',
): PreparedInput {
  const [inputHeight, inputWidth] = inputSize;
  const hwc = dims.length === 4 && dims[0] === 1 ? dims.slice(1) : dims;
  if (hwc.length !== 3 || hwc[2] !== 3) {
    throw new Error(`${source}: expected an RGB array of shape [H, W, 3] (or [1, H, W, 3]), got [${dims.join(', ')}]`);
  }
  const [height, width] = hwc;
  if (height !== inputHeight || width !== inputWidth) {
    throw new Error(
      `${source}: a preprocessed input must have the network size [${inputHeight}, ${inputWidth}, 3], got [${hwc.join(', ')}]; ` +
        `resize it, or pass an image file instead`,
    );
  }
  if (data.length !== height * width * 3) {
    throw new Error(`${source}: has ${data.length} values, expected ${height}×${width}×3 = ${height * width * 3}`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // Catches arrays still in 0..255 and NaNs, which would silently give meaningless maps.
    if (!(v >= 0 && v <= 1)) throw new Error(`${source}: values must be in [0, 1], found ${v} at index ${i}`);
  }
  const input: TensorData = { dims: [1, height, width, 3], data };
  return {
    input,
    letterbox: { imageWidth: width, imageHeight: height, inputWidth: width, inputHeight: height, scale: 1, offsetX: 0, offsetY: 0 },
  };
}
