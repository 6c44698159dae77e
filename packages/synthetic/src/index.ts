export { SYNTHETIC_CLASSES, isShapeClass } from './classes.js';
export type { ShapeClass } from './classes.js';
export { generateSample } from './sample.js';
export type { SyntheticImage, SyntheticObject, SyntheticSample } from './sample.js';
export { generateDataset } from './dataset.js';
export { sampleSeed } from './random.js';
export { resolveOptions } from './options.js';
export type { SampleOptions } from './options.js';
export { maskBox } from './occlusion.js';
