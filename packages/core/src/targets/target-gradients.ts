/**
 * The value of a resolved target on raw heads, and its exact derivative with respect to
 * every raw head value. The runtime only propagates these head gradients back.
 */
import { anchorOffset, headGeometries } from '../decode/head-geometry.js';
import type { HeadGeometry } from '../decode/head-geometry.js';
import { headDecoding } from '../decode/yolo-math.js';
import type { Graph } from '../graph/types.js';
import type { TensorData } from '../runtime/types.js';
import type { ResolvedTerm } from './types.js';

export interface TermValue {
  value: number;
  /** d value / d raw, per channel of the term's anchor (0-3 box, 4 objectness, 5+k class k). */
  partials: Array<[channel: number, derivative: number]>;
}

/**
 * One term as a function of its anchor's raw channels. `read(c)` returns raw channel c of
 * the term's cell/anchor. Plain float64 math.
 */
export function termValueAndPartials(term: ResolvedTerm, head: HeadGeometry, read: (channel: number) => number): TermValue {
  const classChannel = 5 + term.channel;
  const { anchors } = head.node;
  const d = headDecoding(head.node);
  switch (term.quantity) {
    case 'raw':
      return { value: read(term.channel), partials: [[term.channel, 1]] };
    case 'logit':
      return { value: d.logit(read(classChannel)), partials: [[classChannel, d.logitDerivative(read(classChannel))]] };
    case 'class':
      return { value: d.probability(read(classChannel)), partials: [[classChannel, d.probabilityDerivative(read(classChannel))]] };
    case 'objectness':
      return { value: d.probability(read(4)), partials: [[4, d.probabilityDerivative(read(4))]] };
    case 'score': {
      const obj = d.probability(read(4));
      const cls = d.probability(read(classChannel));
      return { value: obj * cls, partials: [[4, d.probabilityDerivative(read(4)) * cls], [classChannel, obj * d.probabilityDerivative(read(classChannel))]] };
    }
    case 'x':
      return { value: d.centre(read(0), term.x, head.gridW, head.inputW), partials: [[0, d.centreDerivative(read(0), head.gridW, head.inputW)]] };
    case 'y':
      return { value: d.centre(read(1), term.y, head.gridH, head.inputH), partials: [[1, d.centreDerivative(read(1), head.gridH, head.inputH)]] };
    case 'w':
      return { value: d.size(read(2), anchors[term.anchor][0]), partials: [[2, d.sizeDerivative(read(2), anchors[term.anchor][0])]] };
    case 'h':
      return { value: d.size(read(3), anchors[term.anchor][1]), partials: [[3, d.sizeDerivative(read(3), anchors[term.anchor][1])]] };
  }
}

export interface TargetValuesAndGradients {
  /** The target (sum of its terms) for every item of the batch. */
  values: Float64Array;
  /** d target / d raw heads, same dims as the heads. */
  gradients: TensorData[];
}

export function targetValueAndHeadGradients(graph: Graph, resolved: { terms: ResolvedTerm[] }, heads: TensorData[]): TargetValuesAndGradients {
  const geometries = headGeometries(graph, heads);
  const batch = geometries[0].batch;
  const values = new Float64Array(batch);
  const gradients = heads.map((h) => ({ dims: [...h.dims], data: new Float32Array(h.data.length) }));
  for (const term of resolved.terms) {
    const head = geometries[term.scale];
    const channelLimit = term.quantity === 'raw' ? head?.entry : head?.classes;
    if (!head || term.anchor >= head.anchors || term.y >= head.gridH || term.x >= head.gridW || term.channel >= (channelLimit ?? 0)) {
      throw new Error(`target term at head ${term.scale} cell (y=${term.y},x=${term.x}) anchor ${term.anchor} ${term.quantity === 'raw' ? 'channel' : 'class'} ${term.channel} is outside the model's heads`);
    }
    const data = heads[term.scale].data;
    const gradient = gradients[term.scale].data;
    for (let n = 0; n < batch; n++) {
      const at = anchorOffset(head, n, term.y, term.x, term.anchor);
      const { value, partials } = termValueAndPartials(term, head, (c) => data[at + c]);
      values[n] += value;
      // Terms may share a position: accumulate.
      for (const [c, d] of partials) gradient[at + c] += d;
    }
  }
  return { values, gradients };
}
