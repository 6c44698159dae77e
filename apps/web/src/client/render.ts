/**
 * Maps to pictures, with core's renderer (the CLI's overlay: abs-max over channels, clip at a
 * percentile, back through the letterbox as values, colormap, blend, the explained box). Runs
 * on every change of opacity, colormap or percentile: nothing is recomputed.
 */
import type { Colormap, Detection, Image8, Letterbox } from '@yolo-saliency/core';
import { applyColormap, composePanel, drawDetections, normalizeForDisplay, overlay, reduceChannels, resizeImage8, unletterboxMap } from '@yolo-saliency/core/render';
import type { DetectionJson } from '../shared/api.js';
import type { RawMap } from '../shared/raw-map.js';

export interface DisplaySettings {
  opacity: number;
  colormap: Colormap;
  percentile: number;
}

export function asDetection(d: DetectionJson): Detection {
  return { box: d.box, score: d.score, objectness: d.objectness, classIndex: d.classIndex, className: d.className, classProbability: d.objectness > 0 ? d.score / d.objectness : 0, cell: d.cell };
}

export function renderOverlay(raw: RawMap, letterbox: Letterbox, picture: Image8, settings: DisplaySettings, explained?: DetectionJson): Image8 {
  const values = normalizeForDisplay(reduceChannels(raw, 'abs-max'), { percentile: settings.percentile });
  const onPhoto = unletterboxMap(values, letterbox);
  const heat = applyColormap(onPhoto, picture.width, picture.height, settings.colormap);
  const blended = overlay(picture, heat, settings.opacity);
  return explained ? drawDetections(blended, [asDetection(explained)]) : blended;
}

/** Boxes drawn with their labels; beyond these (an untrained model finds hundreds) they stay clickable, unlabelled. */
const DRAWN_DETECTIONS = 30;

export function renderDetectionsPicture(picture: Image8, detections: readonly DetectionJson[]): Image8 {
  const copy: Image8 = { ...picture, data: new Uint8ClampedArray(picture.data) };
  return drawDetections(copy, detections.slice(0, DRAWN_DETECTIONS).map(asDetection));
}

/** Photo with detections, then one tile per map, three to a row (as the CLI's panel). */
export function renderPanel(first: Image8, tiles: Array<{ image: Image8; title: string }>): Image8 {
  const shrink = (image: Image8) => {
    const scale = 416 / Math.max(image.width, image.height);
    return scale >= 1 ? image : resizeImage8(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)));
  };
  const all = [{ image: shrink(first), title: 'detections' }, ...tiles.map((t) => ({ image: shrink(t.image), title: t.title }))];
  return composePanel(all, { columns: Math.min(3, all.length) });
}

export function toImageData(image: Image8): ImageData {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = image.data[p * image.channels + c];
    rgba[p * 4 + 3] = image.channels === 4 ? image.data[p * 4 + 3] : 255;
  }
  return new ImageData(rgba, image.width, image.height);
}

export function drawOn(canvas: HTMLCanvasElement, image: Image8): void {
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d')!.putImageData(toImageData(image), 0, 0);
}

export function pngBlob(image: Image8): Promise<Blob> {
  const canvas = document.createElement('canvas');
  drawOn(canvas, image);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the PNG'))), 'image/png'));
}

/** Decode an image file as the browser does, to RGBA pixels (colour profiles not applied). */
export async function decodeImage(blob: Blob): Promise<Image8> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
  } catch {
    throw new Error('not an image this browser can decode');
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  bitmap.close();
  return { width: canvas.width, height: canvas.height, channels: 4, data };
}
