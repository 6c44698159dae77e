// @yolo-saliency/core/graph: the model graph (IR) and the tools that read it.
export type * from './types.js';
export { GraphBuilder } from './builder.js';
export { inferShapes, nodeOutputShape, checkInputSize, nodeStrides, nodeParameterCount, windowOutputSize, darknetMaxPoolPads } from './shapes.js';
export { NODE_KINDS, kindOf } from './node-kinds/index.js';
export type { NodeKindDefinition, NodeOfKind, ReferenceTensor } from './node-kinds/index.js';
export { ACTIVATION_FUNCTIONS, ACTIVATION_KINDS } from './activation-functions.js';
export type { ActivationFunction, ActivationTape } from './activation-functions.js';
export { summarizeGraph, formatSummary } from './summary.js';
export type { SummaryRow } from './summary.js';
export { hwioToOihw, oihwToHwio } from './filter-layout.js';
export type { FilterShape } from './filter-layout.js';
export { referenceForward, referenceForwardAll, referenceForward64 } from './reference-forward.js';
export type { ReferenceForwardOptions } from './reference-forward.js';
export { GRAPH_LIMITS } from './limits.js';
export type { GraphLimits } from './limits.js';
export { validateGraph, validateNode, firstNonFinite, nonFiniteText, checkClassName } from './validate.js';
