/**
 * How far an input is from a point where the model's gradient jumps, measured in float64.
 *
 * A network of leaky/relu and maxpool is piecewise linear: its gradient changes abruptly
 * where a leaky/relu input crosses 0 or where the two largest values of a maxpool window swap
 * places (and the guided rule's [x > 0] makes mish and swish jump at 0 too). A float32
 * runtime computes every activation with a rounding error (at most ~7e-7 of the layer's
 * largest |value| in a 160 px tiny-yolo3, most values 10x less; about 1e-6 at the heads of
 * small random graphs), so when an input lies closer to such a point than that,
 * two correct float32 runtimes (or Keras) may fall on different sides of it and give
 * different gradients, each right for its own rounding.
 * Exact ties (equal in float64, e.g. in a flat image region or at relu's zeros) are not such
 * points: every runtime computes both values identically and its tie rule decides (the first
 * maximum in row-major order everywhere here).
 *
 * The float64 forward is core's reference, unrounded (referenceForward64): two window values
 * equal in float32 but not in float64 are exactly the near ties this looks for.
 */
import type { Graph, Shape3, TensorData } from '@yolo-saliency/core';
import { referenceForward64 } from '@yolo-saliency/core/graph';

/** Every node's output in float64, NHWC over the batch, with its per-image shape (core's reference, unrounded). */
export interface Forward64 {
  shapes: Shape3[];
  batch: number;
  values: Float64Array[];
}

export function forward64(graph: Graph, input: TensorData): Forward64 {
  const outputs = referenceForward64(graph, input);
  return { shapes: outputs.map((o) => o.shape), batch: input.dims[0], values: outputs.map((o) => o.data) };
}

export interface GradientMargin {
  /** Smallest distance to a jump, relative to the largest |value| of that layer's input. */
  margin: number;
  /** Where: layer name, position and what kind of jump. */
  where: string;
}

/** Activations whose gradient jumps where their input crosses 0: leaky and relu under every rule; mish and swish under the guided rule ([x > 0]). */
const JUMPS_AT_ZERO = new Set(['leaky', 'relu', 'mish', 'swish']);

/** The nearest gradient jump of the model at this input (rectifier signs, maxpool argmaxes). */
export function gradientMargin(graph: Graph, input: TensorData): GradientMargin {
  const { shapes, batch, values } = forward64(graph, input);
  let best: GradientMargin = { margin: Infinity, where: 'none' };
  graph.nodes.forEach((node, i) => {
    if (node.kind === 'activation' && JUMPS_AT_ZERO.has(node.activation)) {
      const x = values[node.inputs[0]];
      const scale = maxAbs(x) || 1;
      for (let k = 0; k < x.length; k++) {
        const m = Math.abs(x[k]) / scale;
        if (m < best.margin) best = { margin: m, where: `${node.name}: input ${x[k]} at flat index ${k} (sign)` };
      }
    } else if (node.kind === 'maxpool') {
      const x = values[node.inputs[0]];
      const [h, w, c] = shapes[node.inputs[0]];
      const [oh, ow] = shapes[i];
      const scale = maxAbs(x) || 1;
      const { size, stride, pads } = node;
      for (let n = 0; n < batch; n++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++)
            for (let ch = 0; ch < c; ch++) {
              // The window's largest value and the largest value below it: values equal to the
              // largest are exact ties, which the tie rule decides the same way everywhere.
              let first = -Infinity;
              let second = -Infinity;
              for (let ky = 0; ky < size; ky++) {
                const iy = oy * stride - pads.top + ky;
                if (iy < 0 || iy >= h) continue;
                for (let kx = 0; kx < size; kx++) {
                  const ix = ox * stride - pads.left + kx;
                  if (ix < 0 || ix >= w) continue;
                  const v = x[((n * h + iy) * w + ix) * c + ch];
                  if (v > first) [first, second] = [v, first];
                  else if (v < first && v > second) second = v;
                }
              }
              if (second === -Infinity) continue;
              const m = (first - second) / scale;
              if (m < best.margin) best = { margin: m, where: `${node.name}: image ${n}, window (${oy}, ${ox}), channel ${ch}: top two ${first} and ${second} (argmax)` };
            }
    }
  });
  return best;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
