// @yolo-saliency/core/metrics: faithfulness of saliency maps and detector quality.
export { pointingGame, POINTING_TOLERANCE } from './pointing-game.js';
export type { PointingResult } from './pointing-game.js';
export { spearman, averageRanks, pearson } from './spearman.js';
export { trapezoidAuc } from './trapezoid.js';
export { completenessError } from './completeness.js';
export { pixelOrder } from './pixel-order.js';
export type { PixelOrder } from './pixel-order.js';
export { perturbationCurve, deletionCurve, insertionCurve, deletionAuc, insertionAuc, PERTURBATION_DEFAULTS } from './perturbation-curve.js';
export type { PerturbationCurve, PerturbationOptions, MetricTarget } from './perturbation-curve.js';
export { convsFromTop, randomizeConvs } from './randomize-graph.js';
export { randomizationCheck } from './randomization.js';
export type { RandomizationOptions, RandomizationPoint, RandomizationResult } from './randomization.js';
export { meanAveragePrecision, interpolatedAp, DEFAULT_AP_IOU_THRESHOLD } from './average-precision.js';
export type { AveragePrecisionOptions, ClassAveragePrecision, GroundTruthBox, ImageBoxes, MeanAveragePrecision, ScoredBox } from './average-precision.js';
