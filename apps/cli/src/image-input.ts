/**
 * An IMAGE argument made into a network input: a photo (letterboxed to the network size) or
 * a preprocessed float32 .npy [H,W,3] in [0,1] at the network size (used as is).
 */
import { basename, extname } from 'node:path';
import { inputFromFloatArray, letterboxImage } from '@yolo-saliency/core';
import type { Image8, Letterbox, TensorData } from '@yolo-saliency/core';
import { readImage, readNpy, withFileName } from '@yolo-saliency/node';
import { checkImageFits, type MemoryBudget } from './memory-budget.js';

export interface ImageInput {
  path: string;
  /** File name without folder and extension, for output names. */
  stem: string;
  /** [1, H, W, 3] network input. */
  input: TensorData;
  letterbox: Letterbox;
  /** The picture to draw on: the original photo, or the .npy input as 8-bit. */
  picture: Image8;
}

export interface ReadOptions {
  /** The stem for output names (default: the file name without extension). */
  stem?: string;
  /** Refuse, before decoding, an image that needs more than the budget leaves beside the model. */
  memory?: { budget: MemoryBudget; runBytes: number; bytesPerPixel: number };
}

export async function readImageInput(path: string, inputSize: [number, number], options: ReadOptions = {}): Promise<ImageInput> {
  const stem = options.stem ?? basename(path, extname(path));
  const { memory } = options;
  if (memory && extname(path).toLowerCase() !== '.npy') await checkImageFits(path, memory.bytesPerPixel, memory.budget, memory.runBytes);
  try {
    if (extname(path).toLowerCase() === '.npy') {
      const array = await readNpy(path);
      const { input, letterbox } = inputFromFloatArray(array.data, array.dims, inputSize, path);
      return { path, stem, input, letterbox, picture: toImage8(input) };
    }
    const picture = await readImage(path);
    const { input, letterbox } = letterboxImage(picture, inputSize);
    return { path, stem, input, letterbox, picture };
  } catch (error) {
    throw withFileName(error, path);
  }
}

/** [1,H,W,3] in [0,1] to 8-bit RGB (for drawing a .npy input). */
function toImage8(input: TensorData): Image8 {
  const [, height, width] = input.dims;
  const data = new Uint8Array(input.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, input.data[i])) * 255);
  return { width, height, channels: 3, data };
}
