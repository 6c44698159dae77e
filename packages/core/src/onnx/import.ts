/**
 * ONNX (NCHW, YOLOv3-style) -> IR. Only the nodes the heads depend on are read, in file order
 * (ONNX requires topological order), so tape outputs of our own exports are ignored. Foldable
 * structure is folded: BatchNormalization into the Conv before it, a zero Pad into the Conv
 * after it, Identity into its input. When the file carries yolo-saliency metadata, the
 * heads, class names and the exact IR node list come back from it.
 */
import { defaultKerasAnchors } from '../loaders/keras/anchors.js';
import { GraphBuilder } from '../graph/builder.js';
import { nodeOutputShape } from '../graph/shapes.js';
import type { Graph, Pads, Shape3 } from '../graph/types.js';
import { decodeOnnxModel } from './decode-model.js';
import { GRAPH_METADATA_KEY, parseGraphMetadata, type GraphMetadata, type MetadataHead, type MetadataNode } from './graph-metadata.js';
import { DEFAULT_ONNX_INPUT_SIZE, type OnnxImport, type OnnxImportOptions } from './import-types.js';
import { attrFloat, attrFloats, attrInt, attrInts, attrString, describeNode, float32Decimal } from './node-attributes.js';
import type { OnnxModel, OnnxNode, OnnxTensor } from './onnx-model.js';
import { ProtoFormatError } from './protobuf-reader.js';
import { nearestUpsampleFactor } from './resize-factor.js';
import { tensorFloats, tensorInts } from './tensor-data.js';
import { UniqueNames } from './unique-names.js';
import { resolveWindow } from './window-attributes.js';

/** What an ONNX value name stands for in the IR being built. */
interface ValueRef {
  /** IR node whose output this is. */
  node: number;
  /** Zero padding a Pad node added, waiting for the Conv that will absorb it. */
  pads?: Pads;
  padNode?: string;
  /** Inputs of a partial sum that the next Add continues (an exported n-ary add). */
  partialSum?: number[];
}

const NO_PADS: Pads = { top: 0, left: 0, bottom: 0, right: 0 };
const addPads = (a: Pads = NO_PADS, b: Pads = NO_PADS): Pads => ({ top: a.top + b.top, left: a.left + b.left, bottom: a.bottom + b.bottom, right: a.right + b.right });

class OnnxImporter {
  private readonly builder: GraphBuilder;
  private readonly shapes: Shape3[] = [];
  private readonly values = new Map<string, ValueRef>();
  private readonly constants = new Map<string, OnnxTensor>();
  private readonly consumers = new Map<string, OnnxNode[]>();
  private readonly irNames = new UniqueNames();
  private readonly metaNodes = new Map<string, MetadataNode>();
  private readonly metaHeads = new Map<string, MetadataHead>();
  /** For each conv IR node, the ONNX value it produced (a BatchNormalization may only follow that). */
  private readonly convOutputs = new Map<number, string>();
  private readonly opset: number;
  readonly inputSize: [number, number];

  constructor(
    private readonly model: OnnxModel,
    private readonly meta: GraphMetadata | undefined,
    private readonly options: OnnxImportOptions,
  ) {
    const g = model.graph;
    this.opset = model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 13;
    for (const t of g.initializers) this.constants.set(t.name, t);
    for (const n of meta?.nodes ?? []) this.metaNodes.set(n.name, n);
    for (const h of meta?.heads ?? []) this.metaHeads.set(h.name, h);

    const inputs = g.inputs.filter((v) => !this.constants.has(v.name));
    if (inputs.length !== 1) throw new Error(`the model has ${inputs.length} inputs (${inputs.map((v) => v.name).join(', ')}); expected one image input`);
    const [input] = inputs;
    const dims = input.dims;
    if (dims && dims.length !== 4) throw new Error(`input '${input.name}' has ${dims.length} dimensions; expected NCHW`);
    const [, c, h, w] = dims ?? [];
    const fixed: [number, number] | undefined = typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0 ? [h, w] : undefined;
    this.inputSize = options.inputSize ?? fixed ?? meta?.inputSize ?? DEFAULT_ONNX_INPUT_SIZE;
    const channels = typeof c === 'number' && c > 0 ? c : 3;
    const inputName = this.irNames.take(meta?.inputName ?? input.name);
    this.builder = new GraphBuilder(channels, inputName);
    this.shapes.push([this.inputSize[0], this.inputSize[1], channels]);
    this.values.set(input.name, { node: 0 });
  }

  /** Output value names that are heads, in head order. */
  headOutputs(): string[] {
    if (this.meta) return this.meta.heads.map((h) => h.output);
    return this.model.graph.outputs.map((o) => o.name);
  }

  run(): Graph {
    const heads = this.headOutputs();
    if (heads.length === 0) throw new Error('the model has no outputs');
    const needed = this.neededNodes(heads);
    for (const n of needed) for (const x of n.inputs) if (x) this.consumers.set(x, [...(this.consumers.get(x) ?? []), n]);
    for (const n of needed) this.importNode(n);
    if (!this.meta) this.addHeads(heads);
    return this.finish(heads);
  }

  /** The nodes the heads depend on, in file order. */
  private neededNodes(heads: string[]): OnnxNode[] {
    const producer = new Map<string, OnnxNode>();
    for (const n of this.model.graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
    const needed = new Set<OnnxNode>();
    const stack = [...heads];
    while (stack.length) {
      const v = stack.pop()!;
      const n = producer.get(v);
      if (!n) {
        if (!this.values.has(v) && !this.constants.has(v)) throw new Error(`output '${v}' is not produced by any node`);
        continue;
      }
      if (needed.has(n)) continue;
      needed.add(n);
      for (const x of n.inputs) if (x) stack.push(x);
    }
    return this.model.graph.nodes.filter((n) => needed.has(n));
  }

  private irName(n: OnnxNode): string {
    return this.irNames.take(n.name || `${n.opType.toLowerCase()}_${this.builder.nodes.length}`);
  }

  /** Record an IR node just added and what ONNX value it produced. */
  private added(index: number, n: OnnxNode): void {
    const node = this.builder.nodes[index];
    this.shapes[index] = nodeOutputShape(node, node.inputs.map((j) => this.shapes[j]), this.inputSize);
    this.values.set(n.outputs[0], { node: index });
  }

  /** A feature-map input (not a constant); pending zero padding is only allowed for a Conv. */
  private feature(n: OnnxNode, k: number, allowPads = false): ValueRef {
    const name = n.inputs[k];
    const ref = name ? this.values.get(name) : undefined;
    if (!ref) {
      if (name && this.constants.has(name)) throw new Error(`${describeNode(n)}: input '${name}' is a constant; only feature maps are supported there`);
      throw new Error(`${describeNode(n)}: input ${k} ('${name ?? ''}') is not produced by any earlier node`);
    }
    if (ref.pads && !allowPads) {
      throw new Error(`Pad at node '${ref.padNode}': zero padding is only supported right before a Conv (it feeds ${describeNode(n)})`);
    }
    return ref;
  }

  private constant(n: OnnxNode, k: number, what: string): OnnxTensor {
    const t = n.inputs[k] ? this.constants.get(n.inputs[k]) : undefined;
    if (!t) throw new Error(`${describeNode(n)}: the ${what} must be a constant (initializer or Constant node)`);
    return t;
  }

  private hw(ref: ValueRef): [number, number] {
    const [h, w] = this.shapes[ref.node];
    const p = ref.pads ?? NO_PADS;
    return [h + p.top + p.bottom, w + p.left + p.right];
  }

  private importNode(n: OnnxNode): void {
    const where = describeNode(n);
    if (n.domain && n.domain !== 'ai.onnx') throw new Error(`unsupported operator '${n.domain}.${n.opType}' at node '${n.name}'`);
    const b = this.builder;
    switch (n.opType) {
      case 'Constant': {
        const value = n.attributes.get('value');
        if (value?.type !== 'tensor') throw new Error(`${where}: only a tensor 'value' is supported`);
        this.constants.set(n.outputs[0], value.value);
        return;
      }
      case 'Conv':
        return this.conv(n);
      case 'BatchNormalization':
        return this.batchNorm(n);
      case 'Relu':
        return this.added(b.activation(this.irName(n), this.feature(n, 0).node, 'relu', this.metaNodes.get(n.name)?.alpha ?? 0.1), n);
      case 'Sigmoid':
        return this.added(b.activation(this.irName(n), this.feature(n, 0).node, 'logistic', this.metaNodes.get(n.name)?.alpha ?? 0.1), n);
      case 'LeakyRelu': {
        const alpha = attrFloat(n, 'alpha', 0.01);
        const exact = this.metaNodes.get(n.name)?.alpha;
        // The metadata keeps the slope as a double; the attribute only as float32.
        const slope = exact !== undefined && Math.fround(exact) === Math.fround(alpha) ? exact : float32Decimal(alpha);
        return this.added(b.activation(this.irName(n), this.feature(n, 0).node, 'leaky', slope), n);
      }
      case 'Identity':
        return this.identity(n);
      case 'Add':
      case 'Sum':
        return this.add(n);
      case 'Concat': {
        const axis = attrInt(n, 'axis', 1);
        if (axis !== 1 && axis !== -3) throw new Error(`${where}: concatenation along axis ${axis} is not supported (only channels, axis 1)`);
        return this.added(b.concat(this.irName(n), n.inputs.map((_, k) => this.feature(n, k).node)), n);
      }
      case 'MaxPool': {
        const x = this.feature(n, 0);
        const win = resolveWindow(n, undefined, this.hw(x));
        const [size, sizeW] = win.kernel;
        if (size !== sizeW) throw new Error(`${where}: a ${size}x${sizeW} window is not square, which is not supported`);
        return this.added(b.maxpool(this.irName(n), x.node, size, win.stride, win.pads), n);
      }
      case 'Resize':
      case 'Upsample':
        return this.upsample(n);
      case 'Pad':
        return this.pad(n);
      default:
        throw new Error(`unsupported operator '${n.opType}' at node '${n.name}'`);
    }
  }

  private conv(n: OnnxNode): void {
    const where = describeNode(n);
    const x = this.feature(n, 0, true);
    const wt = this.constant(n, 1, 'weight');
    if (wt.dims.length !== 4) throw new Error(`${where}: weight '${wt.name}' has dims [${wt.dims.join(', ')}]; expected OIHW`);
    if (attrInt(n, 'group', 1) !== 1) throw new Error(`${where}: grouped convolution (group=${attrInt(n, 'group', 1)}) is not supported`);
    const [filters, channels, kh, kw] = wt.dims;
    const win = resolveWindow(n, [kh, kw], this.hw(x));
    if (win.kernel[0] !== kh || win.kernel[1] !== kw) throw new Error(`${where}: kernel_shape [${win.kernel.join(', ')}] does not match the weight dims [${wt.dims.join(', ')}]`);
    const weights = tensorFloats(wt, where);
    const bias = n.inputs[2] ? tensorFloats(this.constant(n, 2, 'bias'), where) : new Float32Array(filters);
    const index = this.builder.conv(this.irName(n), x.node, { filters, channels, kernel: [kh, kw], stride: win.stride, pads: addPads(x.pads, win.pads), weights, bias });
    this.added(index, n);
    this.convOutputs.set(index, n.outputs[0]);
  }

  /** Fold y = gamma * (x - mean) / sqrt(var + eps) + beta into the conv that produced x. */
  private batchNorm(n: OnnxNode): void {
    const where = describeNode(n);
    const x = this.feature(n, 0);
    const conv = this.builder.nodes[x.node];
    if (conv.kind !== 'conv' || this.convOutputs.get(x.node) !== n.inputs[0] || this.consumers.get(n.inputs[0])?.length !== 1) {
      throw new Error(`${where}: a BatchNormalization is only supported directly after a Conv whose output nothing else reads`);
    }
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((k) => tensorFloats(this.constant(n, k, ['', 'scale', 'bias', 'mean', 'variance'][k]), where));
    const epsilon = float32Decimal(attrFloat(n, 'epsilon', 1e-5));
    const per = conv.weights.length / conv.filters;
    for (const t of [gamma, beta, mean, variance]) {
      if (t.length !== conv.filters) throw new Error(`${where}: ${t.length} values for ${conv.filters} channels`);
    }
    const weights = new Float32Array(conv.weights.length);
    const bias = new Float32Array(conv.filters);
    for (let f = 0; f < conv.filters; f++) {
      const scale = gamma[f] / Math.sqrt(variance[f] + epsilon);
      for (let k = 0; k < per; k++) weights[f * per + k] = conv.weights[f * per + k] * scale;
      bias[f] = (conv.bias[f] - mean[f]) * scale + beta[f];
    }
    conv.weights = weights;
    conv.bias = bias;
    this.convOutputs.set(x.node, n.outputs[0]);
    this.values.set(n.outputs[0], { node: x.node });
  }

  /** Identity: an alias, unless our metadata says it is a linear activation, a head or a one-input add. */
  private identity(n: OnnxNode): void {
    const meta = this.metaNodes.get(n.name);
    const b = this.builder;
    if (meta?.kind === 'activation') return this.added(b.activation(this.irName(n), this.feature(n, 0).node, meta.activation ?? 'linear', meta.alpha ?? 0.1), n);
    if (meta?.kind === 'add') return this.added(b.addNode(this.irName(n), [this.feature(n, 0).node]), n);
    const head = this.metaHeads.get(n.name);
    if (meta?.kind === 'yolo' && head) return this.added(b.yolo(this.irName(n), this.feature(n, 0).node, head.anchors, head.classes, head.scaleXY), n);
    this.values.set(n.outputs[0], this.feature(n, 0, true));
  }

  private add(n: OnnxNode): void {
    const terms = n.inputs.flatMap((_, k) => {
      const ref = this.feature(n, k);
      return ref.partialSum ?? [ref.node];
    });
    const out = n.outputs[0];
    const next = this.consumers.get(out) ?? [];
    // Our export writes an n-ary add as a chain whose partial sums are not IR nodes.
    if (this.meta && !this.metaNodes.has(n.name) && next.length === 1 && next[0].opType === 'Add') {
      this.values.set(out, { node: -1, partialSum: terms });
      return;
    }
    this.added(this.builder.addNode(this.irName(n), terms), n);
  }

  private upsample(n: OnnxNode): void {
    const where = describeNode(n);
    const x = this.feature(n, 0);
    const legacy = n.opType === 'Upsample' || this.opset < 11;
    let scales: ArrayLike<number> | undefined;
    if (n.opType === 'Upsample' && n.inputs.length < 2) scales = attrFloats(n, 'scales');
    else {
      const k = n.opType === 'Upsample' || this.opset < 11 ? 1 : 2;
      if (n.inputs[k]) scales = tensorFloats(this.constant(n, k, 'scales'), where);
      else if (n.inputs[3]) {
        // 'sizes' instead of 'scales': turn them into factors with the shape known here.
        const [h, w, c] = this.shapes[x.node];
        const sizes = tensorInts(this.constant(n, 3, 'sizes'), where);
        if (sizes.length !== 4) throw new Error(`${where}: sizes [${sizes.join(', ')}] are not NCHW`);
        scales = [1, sizes[1] / c, sizes[2] / h, sizes[3] / w];
      }
    }
    if (!scales) throw new Error(`${where}: no constant scales or sizes`);
    const [h, w] = this.shapes[x.node];
    const factor = nearestUpsampleFactor(n, scales, [h, w], legacy);
    if (factor === 1) {
      this.values.set(n.outputs[0], x);
      return;
    }
    this.added(this.builder.upsample(this.irName(n), x.node, factor), n);
  }

  /** A zero Pad on H and W, kept pending until the Conv that reads it. */
  private pad(n: OnnxNode): void {
    const where = describeNode(n);
    const x = this.feature(n, 0, true);
    const mode = attrString(n, 'mode', 'constant');
    if (mode !== 'constant') throw new Error(`${where}: mode '${mode}' is not supported (only zero padding before a Conv)`);
    const fromInputs = this.opset >= 11;
    const pads = fromInputs ? tensorInts(this.constant(n, 1, 'pads'), where) : attrInts(n, 'pads');
    const value = fromInputs ? (n.inputs[2] ? tensorFloats(this.constant(n, 2, 'constant_value'), where)[0] : 0) : attrFloat(n, 'value', 0);
    if (fromInputs && n.inputs[3]) throw new Error(`${where}: the 'axes' input is not supported`);
    if (value !== 0) throw new Error(`${where}: padding with ${value} is not supported (only zero padding before a Conv)`);
    if (!pads || pads.length !== 8 || pads[0] || pads[1] || pads[4] || pads[5] || pads.some((p) => p < 0)) {
      throw new Error(`${where}: pads [${(pads ?? []).join(', ')}] are not non-negative padding of height and width only (NCHW)`);
    }
    const added: Pads = { top: pads[2], left: pads[3], bottom: pads[6], right: pads[7] };
    this.values.set(n.outputs[0], { node: x.node, pads: addPads(x.pads, added), padNode: n.name });
  }

  /** Heads of a foreign model: one yolo node per graph output, anchors from the options or keras-yolo3's defaults. */
  private addHeads(outputs: string[]): void {
    outputs.forEach((o, k) => {
      const ref = this.values.get(o);
      if (!ref || ref.pads || ref.partialSum) throw new Error(`output '${o}' is not a feature map`);
      const anchors = this.options.anchors?.[k] ?? defaultKerasAnchors(outputs.length)?.[k];
      if (!anchors) throw new Error(`${outputs.length} outputs, and no anchors are known for a model with that many heads; pass anchors per head`);
      const channels = this.shapes[ref.node][2];
      const classes = channels / anchors.length - 5;
      if (!Number.isInteger(classes) || classes < 1) throw new Error(`output '${o}' has ${channels} channels, which is not ${anchors.length} anchors x (5 + classes)`);
      const index = this.builder.yolo(this.irNames.take(o), ref.node, anchors, classes);
      this.shapes[index] = this.shapes[ref.node];
    });
  }

  private finish(headOutputs: string[]): Graph {
    const classNames = this.options.classNames ?? this.meta?.classNames;
    const graph = this.builder.build({ inputSize: this.inputSize, classNames, source: 'onnx' });
    const classes = (graph.nodes[graph.heads[0]] as { classes: number }).classes;
    if (graph.classNames.length !== classes) throw new Error(`${graph.classNames.length} class names for a model with ${classes} classes`);
    if (graph.heads.length !== headOutputs.length) throw new Error(`${headOutputs.length} head outputs, but ${graph.heads.length} heads were built`);
    if (this.meta) this.checkAgainstMetadata(graph, this.meta, headOutputs);
    return graph;
  }

  /** Our metadata describes the graph as exported; a file edited since then must not be trusted with it. */
  private checkAgainstMetadata(graph: Graph, meta: GraphMetadata, headOutputs: string[]): void {
    const built = graph.nodes.map((n) => `${n.name}:${n.kind}`).join(',');
    const described = meta.nodes.map((n) => `${n.name}:${n.kind}`).join(',');
    const headsMatch = headOutputs.every((o, k) => this.values.get(o)?.node === graph.heads[k] && graph.nodes[graph.heads[k]].name === meta.heads[k].name);
    if (built !== described || !headsMatch) {
      throw new Error(`the graph does not match its '${GRAPH_METADATA_KEY}' metadata (was the file edited after export?)`);
    }
  }
}

function decode(bytes: Uint8Array): OnnxModel {
  let model: OnnxModel | undefined;
  try {
    model = decodeOnnxModel(bytes);
  } catch (error) {
    if (error instanceof ProtoFormatError) throw new Error(`not a valid ONNX file (corrupt or truncated protobuf: ${error.message})`);
    throw error;
  }
  if (!model) throw new Error('not an ONNX model (no graph in the file)');
  return model;
}

/**
 * Read a YOLOv3-style NCHW ONNX model into the IR. Every error is one line that starts with
 * `fileName` and names the node it is about.
 */
export function importOnnx(bytes: Uint8Array, fileName: string, options: OnnxImportOptions = {}): OnnxImport {
  try {
    const model = decode(bytes);
    const json = model.metadata.get(GRAPH_METADATA_KEY);
    const meta = json === undefined ? undefined : parseGraphMetadata(json);
    const graph = new OnnxImporter(model, meta, options).run();
    return { graph, metadata: model.metadata };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${fileName}: ${message}`, { cause: error });
  }
}
