/**
 * IR graph -> ONNX model (opset 13, NCHW, weights as initializers), optionally with the tape
 * outputs the native backward needs. Each node kind writes itself (graph/node-kinds/*.ts): one
 * IR node becomes one ONNX node named like it, plus the helper nodes a kind needs (an n-ary
 * add's partial sums, tape outputs).
 */
import { planVisualBackProp } from '../algorithms/vbp-plan.js';
import { kindOf } from '../graph/node-kinds/index.js';
import { checkInputSize, inferShapes } from '../graph/shapes.js';
import type { Graph } from '../graph/types.js';
import { encodeOnnxModel } from './encode-model.js';
import { BATCH_DIM, type OnnxExport, type OnnxExportOptions, type OnnxOutputDtype, type OnnxOutputInfo } from './export-types.js';
import { GRAPH_METADATA_KEY, graphMetadata, OUTPUTS_METADATA_KEY } from './graph-metadata.js';
import type { OnnxExportContext } from './node-context.js';
import type { OnnxAttributeValue, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-model.js';
import { DATA_TYPE, IR_VERSION, OPSET_VERSION } from './onnx-schema.js';
import { float32Tensor } from './tensor-data.js';
import { UniqueNames } from './unique-names.js';

const DTYPE_CODES: Record<OnnxOutputDtype, number> = { float32: DATA_TYPE.FLOAT, bool: DATA_TYPE.BOOL, int32: DATA_TYPE.INT32 };

/** The ONNX graph being written: nodes, constants, tape outputs and the names they use. */
class OnnxGraphWriter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly outputs: OnnxOutputInfo[] = [];
  readonly names = new UniqueNames();
  private readonly nodeNames = new UniqueNames();
  private zeroName: string | undefined;

  /** IR node names are kept exactly (the importer matches them); helper nodes avoid them. */
  constructor(irNames: string[]) {
    for (const name of irNames) this.nodeNames.take(name);
  }

  irNode(opType: string, name: string, inputs: string[], outputs: string[], attributes: Record<string, OnnxAttributeValue> = {}): void {
    this.nodes.push({ name, opType, domain: '', inputs, outputs, attributes: new Map(Object.entries(attributes)) });
  }

  helperNode(opType: string, name: string, inputs: string[], outputs: string[], attributes: Record<string, OnnxAttributeValue> = {}): void {
    this.irNode(opType, this.nodeNames.take(name), inputs, outputs, attributes);
  }

  value(wanted: string): string {
    return this.names.take(wanted);
  }

  initializer(t: OnnxTensor): string {
    this.initializers.push(t);
    return t.name;
  }

  zero(): string {
    this.zeroName ??= this.initializer(float32Tensor(this.value('tape.zero'), [], new Float32Array(1)));
    return this.zeroName;
  }
}

/** Export an IR graph as an ONNX model (see OnnxExportOptions for the tape outputs). */
export function exportOnnx(graph: Graph, options: OnnxExportOptions = {}): OnnxExport {
  const inputSize = options.inputSize ?? graph.inputSize;
  checkInputSize(graph, inputSize);
  const shapes = inferShapes(graph, inputSize);
  const tape = { signs: !!options.tape?.signs, argmax: !!options.tape?.argmax };
  const meanNodes = new Set(options.tape?.means ? planVisualBackProp(graph, inputSize).meanNodes : []);
  const input = graph.nodes[0];
  if (input.kind !== 'input') throw new Error(`ONNX export: node 0 ('${input.name}') is not the input`);

  const g = new OnnxGraphWriter(graph.nodes.map((n) => n.name));
  const inputName = g.value('input');
  const headOutputs = graph.heads.map((_, k) => g.value(`head${k}`));
  const headIndex = new Map(graph.heads.map((h, k) => [h, k]));
  const values: string[] = [inputName];

  graph.nodes.forEach((node, i) => {
    if (i === 0) return;
    const head = headIndex.get(i);
    const output = head === undefined ? g.value(node.name) : headOutputs[head];
    values.push(output);
    const ctx: OnnxExportContext = {
      index: i,
      inputs: node.inputs.map((j) => values[j]),
      output,
      shapes,
      tape,
      recordsMean: meanNodes.has(i),
      irNode: (...args) => g.irNode(...args),
      helperNode: (...args) => g.helperNode(...args),
      value: (wanted) => g.value(wanted),
      initializer: (t) => g.initializer(t),
      zero: () => g.zero(),
      tapeOutput: (name, kind, dtype, dims) => g.outputs.push({ name, kind, node: i, dtype, dims: [BATCH_DIM, ...dims] }),
    };
    kindOf(node).exportOnnx(node, ctx);
  });

  const nchw = (h: number): [number, number, number] => [shapes[h][2], shapes[h][0], shapes[h][1]];
  const heads: OnnxOutputInfo[] = graph.heads.map((h, k) => ({ name: headOutputs[k], kind: 'head', node: h, dtype: 'float32', dims: [BATCH_DIM, ...nchw(h)] }));
  const outputs = [...heads, ...g.outputs];
  const [h, w] = inputSize;
  const graphInputs: OnnxValueInfo[] = [{ name: inputName, elemType: DATA_TYPE.FLOAT, dims: [BATCH_DIM, input.channels, h, w] }];
  const graphOutputs: OnnxValueInfo[] = outputs.map((o) => ({ name: o.name, elemType: DTYPE_CODES[o.dtype], dims: o.dims }));
  const metadata = new Map<string, string>([
    [GRAPH_METADATA_KEY, JSON.stringify(graphMetadata(graph, headOutputs))],
    [OUTPUTS_METADATA_KEY, JSON.stringify(outputs)],
    ...Object.entries(options.metadata ?? {}),
  ]);
  const bytes = encodeOnnxModel({
    irVersion: IR_VERSION,
    producerName: 'yolo-saliency',
    producerVersion: '0.1.0',
    opsets: [{ domain: '', version: OPSET_VERSION }],
    graph: { name: 'yolo', nodes: g.nodes, initializers: g.initializers, inputs: graphInputs, outputs: graphOutputs },
    metadata,
  });
  return { bytes, outputs };
}
