export { decodeDetections, DEFAULT_SCORE_THRESHOLD, DEFAULT_IOU_THRESHOLD, DEFAULT_MAX_DETECTIONS } from './decode-detections.js';
export type { DecodeDetectionsOptions } from './decode-detections.js';
export { letterboxBoxToImage } from './letterbox.js';
export { iou } from './iou.js';
export { nonMaxSuppression } from './nms.js';
export { headGeometries, anchorOffset } from './head-geometry.js';
export type { HeadGeometry } from './head-geometry.js';
export { sigmoid, boxCentre, boxSize } from './yolo-math.js';
export { checkFiniteHeads, checkFiniteMap } from './finite-heads.js';
