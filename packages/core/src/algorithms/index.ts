export { explain, explainAll } from './explain.js';
export { EXPLAIN_DEFAULTS } from './explain-options.js';
