// Public API of @yolo-saliency/core. Each area re-exports from its own index as it lands.
export type * from './graph/types.js';
export type * from './runtime/types.js';
export type * from './decode/types.js';
export type * from './targets/types.js';
export type * from './algorithms/types.js';
export type * from './render/types.js';
export { METHOD_NAMES } from './algorithms/types.js';
export { registerRuntime, registeredRuntimes, resolveRuntime, clearRuntimes } from './runtime/registry.js';
export { GraphBuilder } from './graph/builder.js';
export { inferShapes, nodeOutputShape, checkInputSize, nodeStrides, nodeParameterCount, windowOutputSize, darknetMaxPoolPads } from './graph/shapes.js';
