export { loadKeras, loadKerasH5, loadKerasArchive, type KerasModel } from './load.js';
export { buildKerasGraph, DEFAULT_KERAS_INPUT_SIZE, type KerasLoadOptions } from './build-graph.js';
export { parseKerasModelConfig, type KerasModelSpec, type KerasLayer } from './config.js';
export { assumedAnchorsWarning, defaultKerasAnchors } from './anchors.js';
export type { LayerWeights, WeightSource } from './weights.js';
export type { StoredArray } from './hdf5-file.js';
export { hdf5ReaderDamagedBy } from './hdf5-file.js';
