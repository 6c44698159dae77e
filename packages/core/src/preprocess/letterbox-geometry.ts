import type { Letterbox } from '../decode/types.js';

/**
 * Where an image lands in a letterboxed network input: scaled uniformly to fit, centred,
 * the rest padded. scale = min(inputW/imageW, inputH/imageH), content size =
 * round(image × scale), offset = floor((input − content) / 2).
 */
export function letterboxGeometry(imageWidth: number, imageHeight: number, inputSize: [number, number]): Letterbox {
  const [inputHeight, inputWidth] = inputSize;
  for (const [name, v] of [['image width', imageWidth], ['image height', imageHeight], ['input width', inputWidth], ['input height', inputHeight]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`letterbox: ${name} must be a positive integer, got ${v}`);
  }
  const scale = Math.min(inputWidth / imageWidth, inputHeight / imageHeight);
  const { width, height } = contentSize(imageWidth, imageHeight, scale);
  return {
    imageWidth,
    imageHeight,
    inputWidth,
    inputHeight,
    scale,
    offsetX: Math.floor((inputWidth - width) / 2),
    offsetY: Math.floor((inputHeight - height) / 2),
  };
}

/** Size of the scaled image inside the network input (the part that is not padding). */
export function letterboxContentSize(letterbox: Letterbox): { width: number; height: number } {
  return contentSize(letterbox.imageWidth, letterbox.imageHeight, letterbox.scale);
}

function contentSize(imageWidth: number, imageHeight: number, scale: number): { width: number; height: number } {
  // At least one pixel, so a very thin image still has a row or column to show.
  return {
    width: Math.max(1, Math.round(imageWidth * scale)),
    height: Math.max(1, Math.round(imageHeight * scale)),
  };
}
