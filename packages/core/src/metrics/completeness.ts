/** IG completeness error for the metric table; explain() already computes it. */
import type { SaliencyMap } from '../algorithms/types.js';

/**
 * |sum(IG) - (F(x) - F(x'))| / max(|F(x) - F(x')|, eps), as explain() reports it for
 * integrated-gradients; undefined for methods without a completeness property.
 */
export function completenessError(map: SaliencyMap): number | undefined {
  return map.method === 'integrated-gradients' ? map.completenessError : undefined;
}
