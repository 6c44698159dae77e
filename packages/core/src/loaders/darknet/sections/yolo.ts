/** [yolo]: a detection head over the previous layer (its anchors already masked). */
import type { DarknetYoloLayer } from '../types.js';
import type { DarknetSection } from './section.js';

export const yoloSection: DarknetSection<DarknetYoloLayer> = {
  names: ['yolo'],
  parse(r, base) {
    const classes = r.positiveInt('classes', 20);
    const values = r.numberList('anchors', false);
    if (values.length % 2 !== 0) r.fail(`'anchors' has an odd number of values (${values.length})`, 'anchors');
    const all: Array<[number, number]> = [];
    for (let k = 0; k < values.length; k += 2) all.push([values[k], values[k + 1]]);
    const num = r.positiveInt('num', all.length);
    if (num !== all.length) r.fail(`'num=${num}' but 'anchors' lists ${all.length} anchors`, 'num');
    const mask = r.has('mask') ? r.numberList('mask', true) : all.map((_, k) => k);
    for (const m of mask) {
      if (m < 0 || m >= all.length) r.fail(`'mask' index ${m} is outside the ${all.length} anchors`, 'mask');
    }
    const scaleXY = r.float('scale_x_y', 1);
    if (!(scaleXY > 0)) r.fail(`'scale_x_y=${scaleXY}' must be positive`, 'scale_x_y');
    const newCoords = r.int('new_coords', 0);
    if (newCoords !== 0 && newCoords !== 1) r.fail(`'new_coords=${newCoords}' must be 0 or 1`, 'new_coords');
    // Darknet (parse_yolo): greedynms is DIoU with a fixed exponent 0.6, diounms uses beta_nms; anything else is plain IoU.
    const nmsKind = r.str('nms_kind', 'default').toLowerCase();
    const beta = r.float('beta_nms', 0.6);
    const nms = nmsKind === 'greedynms' ? { kind: 'diou' as const, beta: 0.6 } : nmsKind === 'diounms' ? { kind: 'diou' as const, beta } : undefined;
    return { ...base, type: 'yolo', anchors: mask.map((m) => all[m]), classes, scaleXY, newCoords: newCoords === 1, ...(nms ? { nms } : {}) };
  },
  channels: (_layer, channels) => channels.previous(),
  moments: (_layer, moments) => moments.previous(),
  build: (layer, ctx) => ctx.builder.yolo(`yolo_${layer.index}`, ctx.previous(), layer.anchors, layer.classes, layer.scaleXY, layer.newCoords, layer.nms),
  describe: (layer) => `yolo ${layer.anchors.length} anchors, ${layer.classes} classes${layer.scaleXY !== 1 ? `, scale_x_y ${layer.scaleXY}` : ''}${layer.newCoords ? ', new_coords' : ''}`,
};
