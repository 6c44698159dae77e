// Darknet .cfg/.weights loader: strings and bytes in, the IR out.
export type * from './types.js';
export { parseDarknetCfg } from './cfg.js';
export { parseNames } from './names.js';
export { loadDarknet, hasSeededWeights, DEFAULT_DARKNET_SEED } from './load.js';
export type { LoadDarknetOptions, DarknetModel } from './load.js';
export { readDarknetHeader, readDarknetWeights, seenIs64Bit } from './weights-file.js';
export { encodeDarknetWeights } from './weights-writer.js';
export type { DarknetWeightsHeader } from './weights-file.js';
export { foldDarknetBatchNorm, DARKNET_BN_EPSILON } from './batch-norm.js';
export { darknetConvShapes, darknetLayerChannels, convStoredFloats } from './layer-channels.js';
export type { DarknetConvShape } from './layer-channels.js';
export { darknetLayerTable, formatDarknetLayerTable } from './layer-table.js';
export type { DarknetLayerRow, DarknetLayerTable } from './layer-table.js';
export { CFG_OPTION_RANGES } from './section-reader.js';
