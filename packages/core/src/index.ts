/**
 * @yolo-saliency/core: what an app needs to explain a detection with a loaded model. The rest
 * lives under subpaths, so importing the root pulls in no loader (no h5wasm), exporter or
 * renderer:
 *   /loaders  darknet and Keras loaders          /onnx     ONNX export and import
 *   /graph    the IR, shapes, node kinds, layer table, the float64 reference forward
 *   /render   maps and detections to pictures   /metrics  faithfulness and detector metrics
 *   /runtime  helpers for runtime implementations (argument checks, batches, the VBP plan)
 */
export type * from './graph/types.js';
export type * from './runtime/types.js';
export type * from './decode/types.js';
export type * from './targets/types.js';
export type * from './algorithms/types.js';
export type * from './render/types.js';
export { explain, explainAll, explainBatch, EXPLAIN_DEFAULTS } from './algorithms/index.js';
export type { ExplainBatchOptions, ImageExplanation } from './algorithms/index.js';
export { METHOD_NAMES } from './algorithms/types.js';
export { registerRuntime, registeredRuntimes, resolveRuntime, clearRuntimes } from './runtime/registry.js';
export { parseTarget, formatTarget, QUANTITIES, resolveTarget, targetValueAndHeadGradients } from './targets/index.js';
export type { ResolvedTarget, ResolveTargetOptions, TargetValuesAndGradients } from './targets/index.js';
export { decodeDetections, DEFAULT_SCORE_THRESHOLD, DEFAULT_IOU_THRESHOLD, DEFAULT_MAX_DETECTIONS, letterboxBoxToImage, iou, nonMaxSuppression, sigmoid, boxCentre, boxSize, checkFiniteHeads } from './decode/index.js';
export type { DecodeDetectionsOptions } from './decode/index.js';
export { letterboxImage, letterboxGeometry, letterboxContentSize, LETTERBOX_PAD, inputFromFloatArray } from './preprocess/index.js';
export type { PreparedInput } from './preprocess/index.js';
export { checkInputSize } from './graph/shapes.js';
export { createSeededRandom, printable } from './util/index.js';
export type { SeededRandom } from './util/index.js';
