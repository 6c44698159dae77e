export { explain, explainAll } from './explain.js';
export { explainBatch } from './explain-batch.js';
export type { ExplainBatchOptions, ImageExplanation } from './explain-batch.js';
export { EXPLAIN_DEFAULTS } from './explain-options.js';
