/**
 * A fake LoadedModel whose raw heads are an exact linear function of the input: one 4x4
 * conv (stride 4) over a 4x4 image into one yolo head with a 1x1 grid, 1 anchor, 1 class
 * (6 raw channels). Forward and backward are computed here from the graph's conv weights,
 * so a re-initialised graph gives a different model (for the randomisation check).
 */
import { GraphBuilder } from '../../src/graph/builder.js';
import type { ConvNode, Graph } from '../../src/graph/types.js';
import type { LoadedModel, RecordOptions, Tape, TensorData } from '../../src/runtime/types.js';

export const SIDE = 4;
const CHANNELS = 6;

/** weightOf(f, ch, y, x) fills the conv weights (OIHW). */
export function linearGraph(weightOf: (f: number, ch: number, y: number, x: number) => number, bias: number[] = [0, 0, 0, 0, 0, 0]): Graph {
  const b = new GraphBuilder();
  const weights = new Float32Array(CHANNELS * 3 * SIDE * SIDE);
  for (let f = 0; f < CHANNELS; f++)
    for (let ch = 0; ch < 3; ch++)
      for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) weights[((f * 3 + ch) * SIDE + y) * SIDE + x] = weightOf(f, ch, y, x);
  const head = b.conv('head', 0, { filters: CHANNELS, channels: 3, kernel: SIDE, stride: SIDE, pads: 0, weights, bias: Float32Array.from(bias) });
  b.yolo('yolo_0', head, [[4, 4]], 1);
  return b.build({ inputSize: [SIDE, SIDE], classNames: ['thing'], source: 'test' });
}

export function linearModel(graph: Graph): LoadedModel & { forwardImages: number[] } {
  const conv = graph.nodes.find((n): n is ConvNode => n.kind === 'conv')!;
  const w = (f: number, ch: number, y: number, x: number) => conv.weights[((f * 3 + ch) * SIDE + y) * SIDE + x];
  const forwardImages: number[] = [];
  return {
    graph,
    inputSize: [SIDE, SIDE],
    info: { name: 'linear-fake', backend: 'js', device: 'CPU', notes: [] },
    forwardImages,
    async forward(input: TensorData, record?: RecordOptions) {
      const n = input.dims[0];
      forwardImages.push(n);
      const data = new Float32Array(n * CHANNELS);
      for (let b = 0; b < n; b++)
        for (let f = 0; f < CHANNELS; f++) {
          let acc = conv.bias[f];
          for (let y = 0; y < SIDE; y++)
            for (let x = 0; x < SIDE; x++) for (let ch = 0; ch < 3; ch++) acc += w(f, ch, y, x) * input.data[((b * SIDE + y) * SIDE + x) * 3 + ch];
          data[b * CHANNELS + f] = acc;
        }
      const tape: Tape | undefined = record ? { runtime: 'linear-fake', batch: n, dispose() {} } : undefined;
      return { heads: [{ dims: [n, 1, 1, CHANNELS], data }], tape };
    },
    async backward(tape: Tape, headGradients: TensorData[]) {
      const n = tape.batch;
      const out = new Float32Array(n * SIDE * SIDE * 3);
      const g = headGradients[0].data;
      for (let b = 0; b < n; b++)
        for (let y = 0; y < SIDE; y++)
          for (let x = 0; x < SIDE; x++)
            for (let ch = 0; ch < 3; ch++) {
              let acc = 0;
              for (let f = 0; f < CHANNELS; f++) acc += g[b * CHANNELS + f] * w(f, ch, y, x);
              out[((b * SIDE + y) * SIDE + x) * 3 + ch] = acc;
            }
      return { dims: [n, SIDE, SIDE, 3], data: out };
    },
    async visualBackProp() {
      throw new Error('linear-fake: no VisualBackProp');
    },
    dispose() {},
  } as unknown as LoadedModel & { forwardImages: number[] };
}
