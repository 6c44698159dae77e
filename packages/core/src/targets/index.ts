export { parseTarget, formatTarget, QUANTITIES } from './parse-target.js';
export { resolveTarget, describeResolvedTarget } from './resolve-target.js';
export type { ResolvedTarget, ResolveTargetOptions } from './resolve-target.js';
export { targetValueAndHeadGradients, termValueAndPartials } from './target-gradients.js';
export type { TargetValuesAndGradients, TermValue } from './target-gradients.js';
