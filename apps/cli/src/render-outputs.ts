/** From saliency maps and detections to the pictures and arrays the CLI writes. */
import { letterboxBoxToImage } from '@yolo-saliency/core';
import { applyColormap, composePanel, drawDetections, normalizeForDisplay, overlay, reduceChannels, resizeImage8, unletterboxMap } from '@yolo-saliency/core/render';
import type { Colormap, Detection, Image8, SaliencyMap, TensorData } from '@yolo-saliency/core';
import type { ImageInput } from './image-input.js';

/** Heat over the photo: how strongly each pixel of the original picture drove the target. */
const OVERLAY_ALPHA = 0.5;
/** Panel tiles are scaled down to this many pixels on their longer side, to keep panels viewable. */
const PANEL_TILE_SIZE = 416;

export function imageBox(detection: Detection, prepared: Pick<ImageInput, 'letterbox' | 'picture'>): [number, number, number, number] {
  return letterboxBoxToImage(detection.box, prepared.letterbox);
}

function inImagePixels(detections: readonly Detection[], prepared: Pick<ImageInput, 'letterbox' | 'picture'>): Detection[] {
  return detections.map((d) => ({ ...d, box: imageBox(d, prepared) }));
}

/**
 * The map over the original photo, with the explained detection drawn. The values are
 * normalised at network resolution, mapped back through the letterbox as values (not
 * colours, so the colormap is not blurred), then coloured at the photo's size.
 */
export function renderOverlay(map: SaliencyMap, prepared: Pick<ImageInput, 'letterbox' | 'picture'>, colormap: Colormap, percentile: number): Image8 {
  const values = normalizeForDisplay(reduceChannels(map.map, 'abs-max'), { percentile });
  const onPhoto = unletterboxMap(values, prepared.letterbox);
  const heat = applyColormap(onPhoto, prepared.picture.width, prepared.picture.height, colormap);
  const picture = overlay(prepared.picture, heat, OVERLAY_ALPHA);
  return map.detection ? drawDetections(picture, inImagePixels([map.detection], prepared)) : picture;
}

/** A copy of the photo with every detection drawn. */
export function renderDetections(prepared: Pick<ImageInput, 'letterbox' | 'picture'>, detections: readonly Detection[]): Image8 {
  const { picture } = prepared;
  const copy: Image8 = { ...picture, data: new Uint8Array(picture.data) };
  return drawDetections(copy, inImagePixels(detections, prepared));
}

/** The photo with detections, then one tile per method, three to a row. */
export function renderPanel(first: { image: Image8; label: string }, tiles: Array<{ image: Image8; label: string }>): Image8 {
  const all = [first, ...tiles].map((t) => ({ image: shrink(t.image), title: t.label }));
  return composePanel(all, { columns: Math.min(3, all.length) });
}

function shrink(image: Image8): Image8 {
  const scale = PANEL_TILE_SIZE / Math.max(image.width, image.height);
  if (scale >= 1) return image;
  return resizeImage8(image, Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)));
}

/**
 * The raw map as written to .npy: float32 [H, W, 3] at the network input size. A
 * single-channel map (VisualBackProp) is repeated into the three channels so every method's
 * file has the same shape.
 */
export function rawMapForNpy(map: SaliencyMap): TensorData {
  const dims = map.map.dims.length === 4 && map.map.dims[0] === 1 ? map.map.dims.slice(1) : map.map.dims;
  const [height, width, channels] = dims;
  if (dims.length !== 3 || (channels !== 3 && channels !== 1)) {
    throw new Error(`${map.method}: unexpected map dims [${map.map.dims.join(', ')}]`);
  }
  if (channels === 3) return { dims: [height, width, 3], data: map.map.data };
  const data = new Float32Array(height * width * 3);
  for (let p = 0; p < height * width; p++) data.fill(map.map.data[p], p * 3, p * 3 + 3);
  return { dims: [height, width, 3], data };
}
