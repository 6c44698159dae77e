// @yolo-saliency/core/runtime: what a runtime implementation needs beyond the contract's types
// (which the root exports): argument checks, batch splitting, memory estimates, the VisualBackProp plan it executes.
export type * from './types.js';
export { checkBackwardArguments, checkForwardInput, checkMaxBatchPerCall } from './check-arguments.js';
export { maxBatchPerCallWithin, chunkRanges, sliceBatch, concatBatches } from './batch-chunks.js';
export { modelMemory, estimateRunBytes, largestBatchWithin, ACTIVATION_COPIES, WEIGHT_COPIES } from './memory-estimate.js';
export type { ModelMemory, RunMemoryOptions } from './memory-estimate.js';
export { planVisualBackProp, isVbpActivation } from '../algorithms/vbp-plan.js';
export type { VbpEdgeOp, VbpPlan, VbpSend, VbpStep } from '../algorithms/vbp-plan.js';
