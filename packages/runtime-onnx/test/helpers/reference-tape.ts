/**
 * The tape ONNX Runtime would record, computed here from core's float64 reference forward
 * (NHWC) and converted to the addon's NCHW layouts: sign bytes of every leaky/relu input,
 * logistic outputs, mish/swish inputs, maxpool argmax (first maximum in row-major window order, as the offset
 * within its (n, c) plane, as core's export records it), and the clamped channel means VBP needs.
 */
import type { Graph, TensorData } from '@yolo-saliency/core';
import { inferShapes, referenceForwardAll } from '@yolo-saliency/core/graph';
import type { VbpPlan } from '@yolo-saliency/core/runtime';
import type { NativeTape, NativeTapeEntry } from '@yolo-saliency/native';

/** [N,H,W,C] -> [N,C,H,W]. */
export function nhwcToNchw(t: TensorData): TensorData {
  const [n, h, w, c] = t.dims;
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) out[((b * c + ch) * h + y) * w + x] = t.data[((b * h + y) * w + x) * c + ch];
  return { dims: [n, c, h, w], data: out };
}

/** [N,C,H,W] -> [N,H,W,C]. */
export function nchwToNhwc(t: { dims: number[]; data: Float32Array }): TensorData {
  const [n, c, h, w] = t.dims;
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + ch] = t.data[((b * c + ch) * h + y) * w + x];
  return { dims: [n, h, w, c], data: out };
}

export interface ReferenceTapeOptions {
  /** The VBP plan whose mean nodes get a mean map. */
  plan?: VbpPlan;
}

export function referenceTape(graph: Graph, input: TensorData, options: ReferenceTapeOptions = {}): { tape: NativeTape; heads: TensorData[] } {
  const outs = referenceForwardAll(graph, input).map(nhwcToNchw);
  const shapes = inferShapes(graph, [input.dims[1], input.dims[2]]);
  const batch = input.dims[0];
  const nodes: Array<NativeTapeEntry | null> = graph.nodes.map(() => null);
  graph.nodes.forEach((node, i) => {
    if (node.kind === 'activation' && (node.activation === 'leaky' || node.activation === 'relu')) {
      const x = outs[node.inputs[0]].data;
      nodes[i] = { signs: Uint8Array.from(x, (v) => (v > 0 ? 1 : 0)) };
    } else if (node.kind === 'activation' && node.activation === 'logistic') {
      nodes[i] = { output: outs[i].data };
    } else if (node.kind === 'activation' && (node.activation === 'mish' || node.activation === 'swish')) {
      nodes[i] = { input: outs[node.inputs[0]].data };
    } else if (node.kind === 'maxpool') {
      const [h, w, c] = shapes[node.inputs[0]];
      const [oh, ow] = shapes[i];
      const x = outs[node.inputs[0]].data;
      const idx: number[] = [];
      for (let n = 0; n < batch; n++)
        for (let ch = 0; ch < c; ch++)
          for (let oy = 0; oy < oh; oy++)
            for (let ox = 0; ox < ow; ox++) {
              let best = -Infinity;
              let at = -1;
              for (let ky = 0; ky < node.size; ky++) {
                const iy = oy * node.stride - node.pads.top + ky;
                if (iy < 0 || iy >= h) continue;
                for (let kx = 0; kx < node.size; kx++) {
                  const ix = ox * node.stride - node.pads.left + kx;
                  if (ix < 0 || ix >= w) continue;
                  const offset = iy * w + ix;
                  const value = x[(n * c + ch) * h * w + offset];
                  if (value > best) {
                    best = value;
                    at = offset;
                  }
                }
              }
              idx.push(at);
            }
      nodes[i] = { argmax: Int32Array.from(idx) };
    }
  });
  for (const m of options.plan?.meanNodes ?? []) {
    const [h, w, c] = shapes[m];
    const x = outs[m].data;
    const mean = new Float32Array(batch * h * w);
    for (let n = 0; n < batch; n++)
      for (let p = 0; p < h * w; p++) {
        let s = 0;
        for (let ch = 0; ch < c; ch++) s += x[(n * c + ch) * h * w + p];
        mean[n * h * w + p] = Math.max(0, s / c);
      }
    nodes[m] = { ...(nodes[m] ?? {}), mean };
  }
  return { tape: { batch, nodes }, heads: graph.heads.map((h) => outs[h]) };
}
