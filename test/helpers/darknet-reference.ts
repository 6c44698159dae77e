/**
 * What darknet (AlexeyAB/darknet, `detector test -letter_box`) does around the network, written
 * out from its source so the reference test can compare our network and decoding with darknet's
 * under darknet's own preprocessing and NMS (fixtures/darknet/reference/README.md says why):
 *
 * - darknetLetterbox: image.c letterbox_image + resize_image. Content size by integer division
 *   ((h·320)/w), a separable bilinear resize with align-corners sampling ((W-1)/(w-1)) and no
 *   antialiasing, in float32, centred at integer offsets on 0.5 grey.
 * - darknetNms: box.c diounms_sort, used when a [yolo] block says nms_kind=greedynms (the
 *   Yolo-Fastest and YOLOv4 cfgs): per class, highest probability first, a box is dropped when
 *   its DIoU with a kept box, IoU - (d²/c²)^0.6 (d: centre distance, c: diagonal of the enclosing
 *   box), is above 0.45, computed on boxes relative to the image (x / width, y / height) after
 *   yolo_layer.c correct_yolo_boxes. Without nms_kind (default NMS): plain IoU (do_nms_sort).
 */
import type { Detection, Image8 } from '@yolo-saliency/core';

/** [1, h, w, 3] float32 network input, as darknet builds it from 8-bit RGB. */
export function darknetLetterbox(image: Image8, [h, w]: [number, number]): Float32Array {
  const { width: W, height: H, channels: C, data } = image;
  let nw: number;
  let nh: number;
  if (w / W < h / H) {
    nw = w;
    nh = Math.floor((H * w) / W);
  } else {
    nh = h;
    nw = Math.floor((W * h) / H);
  }
  const f = Math.fround;
  const pixel = (x: number, y: number, k: number) => f(data[(y * W + x) * C + k] / 255);
  const wScale = f((W - 1) / (nw - 1));
  const hScale = f((H - 1) / (nh - 1));
  // Rows first (planar, as darknet stores images), then columns.
  const part = new Float32Array(nw * H * 3);
  for (let k = 0; k < 3; k++) {
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < nw; c++) {
        let v: number;
        if (c === nw - 1 || W === 1) v = pixel(W - 1, r, k);
        else {
          const sx = f(c * wScale);
          const ix = Math.trunc(sx);
          const dx = f(sx - ix);
          v = f(f(f(1 - dx) * pixel(ix, r, k)) + f(dx * pixel(ix + 1, r, k)));
        }
        part[(k * H + r) * nw + c] = v;
      }
    }
  }
  const out = new Float32Array(w * h * 3).fill(0.5);
  const left = Math.floor((w - nw) / 2);
  const top = Math.floor((h - nh) / 2);
  for (let k = 0; k < 3; k++) {
    for (let r = 0; r < nh; r++) {
      const sy = f(r * hScale);
      const iy = Math.trunc(sy);
      const dy = f(sy - iy);
      for (let c = 0; c < nw; c++) {
        let v = f(f(1 - dy) * part[(k * H + iy) * nw + c]);
        if (!(r === nh - 1 || H === 1)) v = f(v + f(dy * part[(k * H + iy + 1) * nw + c]));
        out[((r + top) * w + c + left) * 3 + k] = v;
      }
    }
  }
  return out;
}

/** A box relative to the image: centre and size as fractions of its width and height. */
interface RelativeBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ImageDetection {
  className: string;
  classIndex: number;
  probability: number;
  /** [x1, y1, x2, y2] in image pixels, clipped to the image. */
  box: [number, number, number, number];
}

function relativeIou(a: RelativeBox, b: RelativeBox): number {
  const ix = Math.max(0, Math.min(a.x + a.w / 2, b.x + b.w / 2) - Math.max(a.x - a.w / 2, b.x - b.w / 2));
  const iy = Math.max(0, Math.min(a.y + a.h / 2, b.y + b.h / 2) - Math.max(a.y - a.h / 2, b.y - b.h / 2));
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

function relativeDiou(a: RelativeBox, b: RelativeBox): number {
  const left = Math.min(a.x - a.w / 2, b.x - b.w / 2);
  const right = Math.max(a.x + a.w / 2, b.x + b.w / 2);
  const top = Math.min(a.y - a.h / 2, b.y - b.h / 2);
  const bottom = Math.max(a.y + a.h / 2, b.y + b.h / 2);
  const c = (right - left) ** 2 + (bottom - top) ** 2;
  const iou = relativeIou(a, b);
  if (c === 0) return iou;
  return iou - (((a.x - b.x) ** 2 + (a.y - b.y) ** 2) / c) ** 0.6;
}

export function clipBox(box: readonly number[], width: number, height: number): [number, number, number, number] {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return [clip(box[0], width), clip(box[1], height), clip(box[2], width), clip(box[3], height)];
}

/**
 * Candidates from decodeDetections without NMS (boxes in network-input pixels) through
 * darknet's correct_yolo_boxes (letterbox, integer content size, float offsets) and
 * darknet's per-class NMS of the given kind; boxes back in image pixels, clipped.
 */
export function darknetNms(
  candidates: readonly Detection[],
  image: { width: number; height: number },
  [netH, netW]: [number, number],
  kind: 'greedynms' | 'default',
  threshold = 0.45,
): ImageDetection[] {
  const { width: W, height: H } = image;
  let nw: number;
  let nh: number;
  if (netW / W < netH / H) {
    nw = netW;
    nh = Math.floor((H * netW) / W);
  } else {
    nh = netH;
    nw = Math.floor((W * netH) / H);
  }
  const relative = candidates.map((d) => {
    const x = (d.box[0] + d.box[2]) / 2 / netW;
    const y = (d.box[1] + d.box[3]) / 2 / netH;
    const w = (d.box[2] - d.box[0]) / netW;
    const h = (d.box[3] - d.box[1]) / netH;
    const r: RelativeBox = { x: (x - (netW - nw) / 2 / netW) / (nw / netW), y: (y - (netH - nh) / 2 / netH) / (nh / netH), w: (w * netW) / nw, h: (h * netH) / nh };
    return { d, r };
  });
  const overlap = kind === 'greedynms' ? relativeDiou : relativeIou;
  const kept: typeof relative = [];
  for (const c of [...relative].sort((a, b) => b.d.score - a.d.score)) {
    if (kept.some((k) => k.d.classIndex === c.d.classIndex && overlap(k.r, c.r) > threshold)) continue;
    kept.push(c);
  }
  return kept.map(({ d, r }) => ({
    className: d.className,
    classIndex: d.classIndex,
    probability: d.score,
    box: clipBox([(r.x - r.w / 2) * W, (r.y - r.h / 2) * H, (r.x + r.w / 2) * W, (r.y + r.h / 2) * H], W, H),
  }));
}
