/**
 * An exported model with NHWC at its edges: the input becomes [N, H, W, C] and every head
 * output [N, h, w, c], with one Transpose each inside the graph, so ONNX Runtime changes the
 * layout (once each way, where it can fuse it) and nothing is transposed in JavaScript. The
 * tape outputs stay NCHW: they go to the native addon, whose graph walk is NCHW.
 *
 * For ONNX Runtime sessions (runtime-onnx). Files written by `convert` stay NCHW, as ONNX
 * models usually are.
 */
import { decodeOnnxModel } from './decode-model.js';
import { encodeOnnxModel } from './encode-model.js';
import { BATCH_DIM, type OnnxExport, type OnnxOutputInfo } from './export-types.js';
import { GRAPH_METADATA_KEY, OUTPUTS_METADATA_KEY, type GraphMetadata } from './graph-metadata.js';
import type { OnnxModel, OnnxNode, OnnxValueInfo } from './onnx-model.js';
import { UniqueNames } from './unique-names.js';

/** NCHW -> NHWC and back, as Transpose perms. */
const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** The metadata key saying the model's input and heads are NHWC. */
export const LAYOUT_METADATA_KEY = 'yolo_saliency.layout';

export interface NhwcModel {
  model: OnnxModel;
  /** As exported, with each head's new output name and its dims NHWC: ['N', h, w, c]. */
  outputs: OnnxOutputInfo[];
}

function transpose(name: string, input: string, output: string, perm: number[]): OnnxNode {
  return { name, opType: 'Transpose', domain: '', inputs: [input], outputs: [output], attributes: new Map([['perm', { type: 'ints', value: perm }]]) };
}

/** `model` (exported by exportOnnx, NCHW, one input) with NHWC input and head outputs. */
export function addNhwcBoundary(model: OnnxModel, outputs: readonly OnnxOutputInfo[]): NhwcModel {
  const g = model.graph;
  if (g.inputs.length !== 1 || g.inputs[0].dims?.length !== 4) throw new Error('NHWC boundary: the model must have one 4-D input');
  const values = new UniqueNames();
  const nodeNames = new UniqueNames();
  const use = (names: UniqueNames, name: string) => names.has(name) || names.take(name);
  for (const v of [...g.inputs, ...g.outputs, ...g.initializers]) use(values, v.name);
  for (const node of g.nodes) {
    node.outputs.forEach((o) => use(values, o));
    use(nodeNames, node.name);
  }

  const [input] = g.inputs;
  const [n, c, h, w] = input.dims!;
  const nhwcInput: OnnxValueInfo = { name: values.take(`${input.name}.nhwc`), elemType: input.elemType, dims: [n, h, w, c] };
  const first = transpose(nodeNames.take(`${input.name}.to_nchw`), nhwcInput.name, input.name, TO_NCHW);

  const renamed = new Map<string, string>();
  const last: OnnxNode[] = [];
  const newOutputs = outputs.map((o): OnnxOutputInfo => {
    if (o.kind !== 'head') return o;
    const name = values.take(`${o.name}.nhwc`);
    renamed.set(o.name, name);
    last.push(transpose(nodeNames.take(`${o.name}.to_nhwc`), o.name, name, TO_NHWC));
    const [, hc, hh, hw] = o.dims;
    return { ...o, name, dims: [BATCH_DIM, hh, hw, hc] };
  });
  const graphOutputs = g.outputs.map((v): OnnxValueInfo => {
    const name = renamed.get(v.name);
    if (name === undefined) return v;
    const [vn, vc, vh, vw] = v.dims ?? [];
    return { ...v, name, dims: v.dims && [vn, vh, vw, vc] };
  });

  const metadata = new Map(model.metadata);
  metadata.set(OUTPUTS_METADATA_KEY, JSON.stringify(newOutputs));
  metadata.set(LAYOUT_METADATA_KEY, 'nhwc');
  const graphJson = metadata.get(GRAPH_METADATA_KEY);
  if (graphJson) {
    const meta = JSON.parse(graphJson) as GraphMetadata;
    meta.heads = meta.heads.map((head) => ({ ...head, output: renamed.get(head.output) ?? head.output }));
    metadata.set(GRAPH_METADATA_KEY, JSON.stringify(meta));
  }
  return {
    model: { ...model, metadata, graph: { ...g, nodes: [first, ...g.nodes, ...last], inputs: [nhwcInput], outputs: graphOutputs } },
    outputs: newOutputs,
  };
}

/** exportOnnx's result with NHWC input and heads (addNhwcBoundary on its bytes). */
export function withNhwcBoundary(exported: OnnxExport): OnnxExport {
  const model = decodeOnnxModel(exported.bytes);
  if (!model) throw new Error('NHWC boundary: the exported bytes are not an ONNX model');
  const { model: wrapped, outputs } = addNhwcBoundary(model, exported.outputs);
  return { bytes: encodeOnnxModel(wrapped), outputs };
}
