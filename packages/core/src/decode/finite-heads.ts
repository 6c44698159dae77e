/**
 * Finite weights can still give non-finite outputs: float32 overflows at 3.4e38, and a model
 * with large weights (or a large input) reaches it. Decoding NaN heads gives no detections
 * and explaining them gives NaN maps, both silently; these checks make it an error that
 * names the head or the method.
 */
import type { Graph } from '../graph/types.js';
import { firstNonFinite } from '../graph/validate.js';
import type { TensorData } from '../runtime/types.js';
import { printable } from '../util/printable.js';

/** Throws unless every head value (of image `batchIndex` only, when given) is finite. */
export function checkFiniteHeads(graph: Graph, heads: readonly TensorData[], batchIndex?: number): void {
  heads.forEach((head, k) => {
    let values: Float32Array = head.data;
    const batch = head.dims[0];
    if (batchIndex !== undefined && Number.isInteger(batch) && batch > 0 && batchIndex >= 0 && batchIndex < batch) {
      const per = head.data.length / batch;
      values = head.data.subarray(batchIndex * per, (batchIndex + 1) * per);
    }
    const problem = countText(values);
    if (problem) {
      const node = graph.nodes[graph.heads[k]];
      const name = node ? printable(node.name) : String(k);
      throw new Error(`head '${name}' is not finite: the model's values overflow float32 (${problem})`);
    }
  });
}

/** Throws unless a method's map is finite: its gradients can overflow even when the heads do not. */
export function checkFiniteMap(method: string, map: TensorData): void {
  const problem = countText(map.data);
  if (problem) throw new Error(`${method}: the saliency map is not finite: the model's gradients overflow float32 (${problem})`);
}

/** "3 of 48 values are NaN or infinite", or undefined when every value is finite. */
function countText(values: Float32Array): string | undefined {
  const first = firstNonFinite(values);
  if (first < 0) return undefined;
  let count = 0;
  for (let i = first; i < values.length; i++) if (!Number.isFinite(values[i])) count++;
  return `${count === values.length ? 'all' : `${count} of`} ${values.length} values are NaN or infinite`;
}
