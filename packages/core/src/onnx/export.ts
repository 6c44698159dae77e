/**
 * IR graph -> ONNX model (opset 13, NCHW, weights as initializers), optionally with the tape
 * outputs the native backward needs. One IR node becomes one ONNX node named like it, except an
 * n-ary add (a chain of binary Adds) and the tape's helper nodes.
 */
import { planVisualBackProp } from '../algorithms/vbp-plan.js';
import { checkInputSize, inferShapes } from '../graph/shapes.js';
import type { Graph, GraphNode, Pads, Shape3 } from '../graph/types.js';
import { encodeOnnxModel } from './encode-model.js';
import { BATCH_DIM, type OnnxExport, type OnnxExportOptions, type OnnxOutputDtype, type OnnxOutputInfo, type OnnxOutputKind } from './export-types.js';
import { GRAPH_METADATA_KEY, graphMetadata, OUTPUTS_METADATA_KEY } from './graph-metadata.js';
import type { OnnxAttributeValue, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-model.js';
import { DATA_TYPE, IR_VERSION, OPSET_VERSION } from './onnx-schema.js';
import { float32Tensor, int64Tensor } from './tensor-data.js';
import { UniqueNames } from './unique-names.js';

const ints = (value: number[]): OnnxAttributeValue => ({ type: 'ints', value });
const int = (value: number): OnnxAttributeValue => ({ type: 'int', value });
const str = (value: string): OnnxAttributeValue => ({ type: 'string', value });

/** ONNX pads order for 2-D ops: [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right]. */
const onnxPads = (p: Pads) => [p.top, p.left, p.bottom, p.right];

const DTYPE_CODES: Record<OnnxOutputDtype, number> = { float32: DATA_TYPE.FLOAT, bool: DATA_TYPE.BOOL, int32: DATA_TYPE.INT32 };

class OnnxGraphWriter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly outputs: OnnxOutputInfo[] = [];
  readonly names = new UniqueNames();
  private readonly nodeNames = new UniqueNames();

  /** IR node names are kept exactly (the importer matches them); helper nodes avoid them. */
  constructor(irNames: string[]) {
    for (const name of irNames) this.nodeNames.take(name);
  }

  /** The ONNX node of an IR node, under the IR node's name. */
  irNode(opType: string, name: string, inputs: string[], outputs: string[], attributes: Record<string, OnnxAttributeValue> = {}): void {
    this.nodes.push({ name, opType, domain: '', inputs, outputs, attributes: new Map(Object.entries(attributes)) });
  }

  /** A helper node (tape, partial sums) under a fresh name derived from `name`. */
  node(opType: string, name: string, inputs: string[], outputs: string[], attributes: Record<string, OnnxAttributeValue> = {}): void {
    this.irNode(opType, this.nodeNames.take(name), inputs, outputs, attributes);
  }

  /** A fresh value name derived from `wanted`. */
  value(wanted: string): string {
    return this.names.take(wanted);
  }

  initializer(t: OnnxTensor): string {
    this.initializers.push(t);
    return t.name;
  }

  output(name: string, kind: OnnxOutputKind, node: number, dtype: OnnxOutputDtype, [c, h, w]: [number, number, number]): void {
    this.outputs.push({ name, kind, node, dtype, dims: [BATCH_DIM, c, h, w] });
  }
}

const nchw = ([h, w, c]: Shape3): [number, number, number] => [c, h, w];

function checkMaxPoolPads(node: Extract<GraphNode, { kind: 'maxpool' }>): void {
  // ONNX MaxPool ignores padded pixels (they never win), like darknet, but only allows pads
  // smaller than the window; larger pads would leave windows with no pixel at all.
  for (const [side, pad] of Object.entries(node.pads)) {
    if (pad >= node.size) throw new Error(`ONNX export: layer '${node.name}' (maxpool): ${side} padding ${pad} is not smaller than the window ${node.size}, which ONNX MaxPool does not allow`);
  }
}

/** Export an IR graph as an ONNX model (see OnnxExportOptions for the tape outputs). */
export function exportOnnx(graph: Graph, options: OnnxExportOptions = {}): OnnxExport {
  const inputSize = options.inputSize ?? graph.inputSize;
  checkInputSize(graph, inputSize);
  const shapes = inferShapes(graph, inputSize);
  const tape = options.tape ?? {};
  const meanNodes = new Set(tape.means ? planVisualBackProp(graph, inputSize).meanNodes : []);
  const input = graph.nodes[0];
  if (input.kind !== 'input') throw new Error(`ONNX export: node 0 ('${input.name}') is not the input`);

  const g = new OnnxGraphWriter(graph.nodes.map((n) => n.name));
  const inputName = g.value('input');
  const headOutputs = graph.heads.map((_, k) => g.value(`head${k}`));
  const headIndex = new Map(graph.heads.map((h, k) => [h, k]));
  const values: string[] = [inputName];
  let zero: string | undefined;

  graph.nodes.forEach((node, i) => {
    if (i === 0) return;
    const x = node.inputs.map((j) => values[j]);
    const head = headIndex.get(i);
    const out = head === undefined ? g.value(node.name) : headOutputs[head];
    values.push(out);
    switch (node.kind) {
      case 'input':
        throw new Error(`ONNX export: a second input node '${node.name}'`);
      case 'conv': {
        const [kh, kw] = node.kernel;
        const w = g.initializer(float32Tensor(g.value(`${node.name}.weight`), [node.filters, node.channels, kh, kw], node.weights));
        const b = g.initializer(float32Tensor(g.value(`${node.name}.bias`), [node.filters], node.bias));
        g.irNode('Conv', node.name, [x[0], w, b], [out], {
          kernel_shape: ints([kh, kw]),
          strides: ints([node.stride, node.stride]),
          pads: ints(onnxPads(node.pads)),
          dilations: ints([1, 1]),
          group: int(1),
        });
        break;
      }
      case 'activation': {
        if (node.activation === 'leaky') g.irNode('LeakyRelu', node.name, x, [out], { alpha: { type: 'float', value: node.alpha } });
        else if (node.activation === 'relu') g.irNode('Relu', node.name, x, [out]);
        else if (node.activation === 'logistic') g.irNode('Sigmoid', node.name, x, [out]);
        else g.irNode('Identity', node.name, x, [out]);
        if (tape.signs && (node.activation === 'leaky' || node.activation === 'relu')) {
          zero ??= g.initializer(float32Tensor(g.value('tape.zero'), [], new Float32Array(1)));
          const sign = g.value(`${node.name}.sign`);
          // [x > 0] of the input equals [y > 0] of the output for ReLU and LeakyReLU with a
          // non-negative slope; reading the output leaves ORT free to fuse Conv + activation.
          const from = node.activation === 'relu' || node.alpha >= 0 ? out : x[0];
          g.node('Greater', `${node.name}.sign`, [from, zero], [sign]);
          g.output(sign, 'sign', i, 'bool', nchw(shapes[node.inputs[0]]));
        }
        if (tape.signs && node.activation === 'logistic') g.output(out, 'logistic-output', i, 'float32', nchw(shapes[i]));
        if (meanNodes.has(i)) {
          const sum = g.value(`${node.name}.channel_mean`);
          const mean = g.value(`${node.name}.mean`);
          g.node('ReduceMean', `${node.name}.channel_mean`, [out], [sum], { axes: ints([1]), keepdims: int(1) });
          // The VBP plan clamps negative means (possible after LeakyReLU) to 0.
          g.node('Relu', `${node.name}.mean`, [sum], [mean]);
          g.output(mean, 'mean', i, 'float32', [1, shapes[i][0], shapes[i][1]]);
        }
        break;
      }
      case 'maxpool': {
        checkMaxPoolPads(node);
        const attributes = { kernel_shape: ints([node.size, node.size]), strides: ints([node.stride, node.stride]), pads: ints(onnxPads(node.pads)) };
        if (!tape.argmax) {
          g.irNode('MaxPool', node.name, x, [out], attributes);
          break;
        }
        const flat = g.value(`${node.name}.indices`);
        g.irNode('MaxPool', node.name, x, [out, flat], attributes);
        const [h, w] = shapes[node.inputs[0]];
        const plane = g.initializer(int64Tensor(g.value(`${node.name}.plane_size`), [], [h * w]));
        const inPlane = g.value(`${node.name}.plane_index`);
        const argmax = g.value(`${node.name}.argmax`);
        g.node('Mod', `${node.name}.plane_index`, [flat, plane], [inPlane]);
        g.node('Cast', `${node.name}.argmax`, [inPlane], [argmax], { to: int(DATA_TYPE.INT32) });
        g.output(argmax, 'argmax', i, 'int32', nchw(shapes[i]));
        break;
      }
      case 'upsample': {
        const f = node.factor;
        const scales = g.initializer(float32Tensor(g.value(`${node.name}.scales`), [4], Float32Array.of(1, 1, f, f)));
        // 'asymmetric' + 'floor' maps output pixel y to input floor(y / f): nearest upsampling.
        g.irNode('Resize', node.name, [x[0], '', scales], [out], {
          mode: str('nearest'),
          coordinate_transformation_mode: str('asymmetric'),
          nearest_mode: str('floor'),
        });
        break;
      }
      case 'concat':
        g.irNode('Concat', node.name, x, [out], { axis: int(1) });
        break;
      case 'add': {
        if (x.length === 1) {
          g.irNode('Identity', node.name, x, [out]);
          break;
        }
        // ONNX Add is binary: sum left to right; the partial sums carry the node name plus '/sum<k>'.
        let acc = x[0];
        for (let k = 1; k < x.length; k++) {
          const last = k === x.length - 1;
          const partial = last ? out : g.value(`${node.name}/sum${k}`);
          if (last) g.irNode('Add', node.name, [acc, x[k]], [partial]);
          else g.node('Add', `${node.name}/sum${k}`, [acc, x[k]], [partial]);
          acc = partial;
        }
        break;
      }
      case 'yolo':
        // A head computes nothing: its output is its input tensor, under the head's output name.
        g.irNode('Identity', node.name, x, [out]);
        break;
    }
  });

  const heads: OnnxOutputInfo[] = graph.heads.map((h, k) => ({ name: headOutputs[k], kind: 'head', node: h, dtype: 'float32', dims: [BATCH_DIM, ...nchw(shapes[h])] }));
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
