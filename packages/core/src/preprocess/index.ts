export { letterboxGeometry, letterboxContentSize } from './letterbox-geometry.js';
export { letterboxImage, LETTERBOX_PAD } from './letterbox-image.js';
export type { PreparedInput } from './letterbox-image.js';
export { inputFromFloatArray } from './input-from-array.js';
export { resizeFloat } from './resample.js';
