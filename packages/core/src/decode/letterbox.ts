import type { Letterbox } from './types.js';

/**
 * The darknet / keras-yolo3 letterbox: scale the image to fit the input keeping its aspect
 * ratio, round the new size, and centre it (offsets rounded down).
 */
export function computeLetterbox(imageWidth: number, imageHeight: number, inputWidth: number, inputHeight: number): Letterbox {
  for (const [name, v] of [['image width', imageWidth], ['image height', imageHeight], ['input width', inputWidth], ['input height', inputHeight]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`letterbox: ${name} ${v} is not a positive size`);
  }
  const scale = Math.min(inputWidth / imageWidth, inputHeight / imageHeight);
  const newWidth = Math.round(imageWidth * scale);
  const newHeight = Math.round(imageHeight * scale);
  return {
    imageWidth, imageHeight, inputWidth, inputHeight, scale,
    offsetX: Math.floor((inputWidth - newWidth) / 2),
    offsetY: Math.floor((inputHeight - newHeight) / 2),
  };
}

/** Map an [x1, y1, x2, y2] box from network-input pixels to image pixels, clipped to the image. */
export function letterboxBoxToImage(box: readonly number[], letterbox: Letterbox): [number, number, number, number] {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const toX = (v: number) => clip((v - letterbox.offsetX) / letterbox.scale, letterbox.imageWidth);
  const toY = (v: number) => clip((v - letterbox.offsetY) / letterbox.scale, letterbox.imageHeight);
  return [toX(box[0]), toY(box[1]), toX(box[2]), toY(box[3])];
}
