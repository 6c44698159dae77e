// Public API of @yolo-saliency/train.
export { trainDetector } from './train-detector.js';
export type { TrainOptions, TrainResult, StepReport } from './train-detector.js';
export { TrainableDarknet, TRAIN_BN_EPSILON } from './trainable-darknet.js';
export { conv2dTrainable, conv2dFilterGradient, conv2dInputGradient } from './conv2d-trainable.js';
export { assignAnchor, assignAnchors, shapeIou } from './anchor-assignment.js';
export type { HeadLayout, TrainingBox, Assignment } from './anchor-assignment.js';
export { buildHeadTargets } from './yolo-targets.js';
export type { HeadTargets } from './yolo-targets.js';
export { negativeMask, IGNORE_THRESHOLD } from './ignore-mask.js';
export { headLoss, bceWithLogits } from './yolo-loss.js';
export { learningRate } from './learning-rate.js';
export { syntheticBatch } from './synthetic-batch.js';
export { darknetWeightsBytes } from './save-weights.js';
export { maxPoolTrainable, upsampleTrainable } from './trainable-layers.js';
