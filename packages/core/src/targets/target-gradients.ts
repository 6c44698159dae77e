/**
 * The value of a resolved target on raw heads, and its exact derivative with respect to
 * every raw head value. The runtime only propagates these head gradients back.
 */
import { anchorOffset, headGeometries } from '../decode/head-geometry.js';
import type { HeadGeometry } from '../decode/head-geometry.js';
import { boxCentre, boxCentreDerivative, boxSize, sigmoid, sigmoidDerivative } from '../decode/yolo-math.js';
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
  const { scaleXY, anchors } = head.node;
  switch (term.quantity) {
    case 'raw':
      return { value: read(term.channel), partials: [[term.channel, 1]] };
    case 'logit':
      return { value: read(classChannel), partials: [[classChannel, 1]] };
    case 'class':
      return { value: sigmoid(read(classChannel)), partials: [[classChannel, sigmoidDerivative(read(classChannel))]] };
    case 'objectness':
      return { value: sigmoid(read(4)), partials: [[4, sigmoidDerivative(read(4))]] };
    case 'score': {
      const obj = sigmoid(read(4));
      const cls = sigmoid(read(classChannel));
      return { value: obj * cls, partials: [[4, obj * (1 - obj) * cls], [classChannel, obj * cls * (1 - cls)]] };
    }
    case 'x':
      return {
        value: boxCentre(read(0), term.x, head.gridW, head.inputW, scaleXY),
        partials: [[0, boxCentreDerivative(read(0), head.gridW, head.inputW, scaleXY)]],
      };
    case 'y':
      return {
        value: boxCentre(read(1), term.y, head.gridH, head.inputH, scaleXY),
        partials: [[1, boxCentreDerivative(read(1), head.gridH, head.inputH, scaleXY)]],
      };
    case 'w': {
      const w = boxSize(read(2), anchors[term.anchor][0]);
      return { value: w, partials: [[2, w]] };
    }
    case 'h': {
      const h = boxSize(read(3), anchors[term.anchor][1]);
      return { value: h, partials: [[3, h]] };
    }
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
