/**
 * ONNX (NCHW, YOLOv3-style) -> IR. Only the nodes the heads depend on are read, in file order
 * (ONNX requires topological order), so tape outputs of our own exports are ignored. Foldable
 * structure is folded: BatchNormalization into the Conv before it, a zero Pad into the Conv
 * after it, Identity into its input. When the file carries yolo-saliency metadata, the
 * heads, class names and the exact IR node list come back from it.
 */
import { assumedAnchorsWarning, defaultKerasAnchors } from '../loaders/keras/anchors.js';
import { GraphBuilder } from '../graph/builder.js';
import { GRAPH_LIMITS } from '../graph/limits.js';
import { NODE_KINDS } from '../graph/node-kinds/index.js';
import { nodeOutputShape } from '../graph/shapes.js';
import type { Graph, Shape3 } from '../graph/types.js';
import { validateGraph } from '../graph/validate.js';
import { NO_PADS } from '../graph/window.js';
import { decodeOnnxModel } from './decode-model.js';
import { GRAPH_METADATA_KEY, parseGraphMetadata, type GraphMetadata, type MetadataHead, type MetadataNode } from './graph-metadata.js';
import { DEFAULT_ONNX_INPUT_SIZE, type OnnxImport, type OnnxImportOptions } from './import-types.js';
import { describeNode } from './node-attributes.js';
import type { OnnxImportContext, OnnxImportHandler, OnnxValueRef } from './node-context.js';
import type { OnnxModel, OnnxNode, OnnxTensor } from './onnx-model.js';
import { ProtoFormatError } from './protobuf-reader.js';
import { UniqueNames } from './unique-names.js';
import { printable } from '../util/printable.js';

type ValueRef = OnnxValueRef;

/** Every node kind's operators, by ONNX op type (a kind's module says which it imports). */
const OPERATOR_HANDLERS: ReadonlyMap<string, OnnxImportHandler> = new Map(Object.values(NODE_KINDS).flatMap((kind) => Object.entries(kind.importOnnx)));

class OnnxImporter implements OnnxImportContext {
  readonly builder: GraphBuilder;
  private readonly shapes: Shape3[] = [];
  private readonly values = new Map<string, ValueRef>();
  private readonly constants = new Map<string, OnnxTensor>();
  private readonly readers = new Map<string, OnnxNode[]>();
  private readonly irNames = new UniqueNames();
  private readonly metaNodes = new Map<string, MetadataNode>();
  private readonly metaHeads = new Map<string, MetadataHead>();
  /** For each IR node, the ONNX value its output is known under (a folded op moves it on). */
  private readonly produced = new Map<number, string>();
  readonly opset: number;
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
    if (this.inputSize.some((v) => !(Number.isInteger(v) && v >= 1 && v <= GRAPH_LIMITS.inputSize))) {
      throw new Error(`input '${printable(input.name)}' is ${this.inputSize.join('x')} pixels; the limit is ${GRAPH_LIMITS.inputSize}x${GRAPH_LIMITS.inputSize}`);
    }
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
    for (const n of needed) for (const x of n.inputs) if (x) this.readers.set(x, [...(this.readers.get(x) ?? []), n]);
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

  get hasMetadata(): boolean {
    return this.meta !== undefined;
  }

  metadataNode(name: string): MetadataNode | undefined {
    return this.metaNodes.get(name);
  }

  irName(n: OnnxNode): string {
    return this.irNames.take(n.name || `${n.opType.toLowerCase()}_${this.builder.nodes.length}`);
  }

  added(index: number, n: OnnxNode): void {
    const node = this.builder.nodes[index];
    this.shapes[index] = nodeOutputShape(node, node.inputs.map((j) => this.shapes[j]), this.inputSize);
    this.values.set(n.outputs[0], { node: index });
    this.produced.set(index, n.outputs[0]);
  }

  alias(value: string, ref: ValueRef): void {
    this.values.set(value, ref);
  }

  consumers(value: string): OnnxNode[] {
    return this.readers.get(value) ?? [];
  }

  producedValue(node: number): string | undefined {
    return this.produced.get(node);
  }

  setProducedValue(node: number, value: string): void {
    this.produced.set(node, value);
  }

  shape(node: number): Shape3 {
    return this.shapes[node];
  }

  pendingInput(n: OnnxNode, k: number): ValueRef | undefined {
    return n.inputs[k] ? this.values.get(n.inputs[k]) : undefined;
  }

  feature(n: OnnxNode, k: number, allowPads = false): ValueRef {
    const name = n.inputs[k];
    let ref = name ? this.values.get(name) : undefined;
    if (ref?.pending) {
      const { op, node, materialize } = ref.pending;
      if (!materialize) throw new Error(`${op === 'softplus' ? 'Softplus' : 'Tanh'} at node '${node}': only supported inside mish, x * tanh(softplus(x)) (it feeds ${describeNode(n)})`);
      ref = materialize();
      this.values.set(name, ref);
    }
    if (!ref) {
      if (name && this.constants.has(name)) throw new Error(`${describeNode(n)}: input '${name}' is a constant; only feature maps are supported there`);
      throw new Error(`${describeNode(n)}: input ${k} ('${name ?? ''}') is not produced by any earlier node`);
    }
    if (ref.pads && !allowPads) {
      throw new Error(`Pad at node '${ref.padNode}': zero padding is only supported right before a Conv (it feeds ${describeNode(n)})`);
    }
    return ref;
  }

  constant(n: OnnxNode, k: number, what: string): OnnxTensor {
    const t = n.inputs[k] ? this.constants.get(n.inputs[k]) : undefined;
    if (!t) throw new Error(`${describeNode(n)}: the ${what} must be a constant (initializer or Constant node)`);
    return t;
  }

  spatialSize(ref: ValueRef): [number, number] {
    const [h, w] = this.shapes[ref.node];
    const p = ref.pads ?? NO_PADS;
    return [h + p.top + p.bottom, w + p.left + p.right];
  }

  /** Structural operators here; every other one belongs to a node kind (OPERATOR_HANDLERS). */
  private importNode(n: OnnxNode): void {
    if (n.domain && n.domain !== 'ai.onnx') throw new Error(`unsupported operator '${n.domain}.${n.opType}' at node '${n.name}'`);
    if (n.opType === 'Constant') {
      const value = n.attributes.get('value');
      if (value?.type !== 'tensor') throw new Error(`${describeNode(n)}: only a tensor 'value' is supported`);
      this.constants.set(n.outputs[0], value.value);
      return;
    }
    if (n.opType === 'Identity') return this.identity(n);
    const handler = OPERATOR_HANDLERS.get(n.opType);
    if (!handler) throw new Error(`unsupported operator '${n.opType}' at node '${n.name}'`);
    handler(n, this);
  }

  /** Identity: an alias, unless our metadata says it is a linear activation, a head or a one-input add. */
  private identity(n: OnnxNode): void {
    const meta = this.metaNodes.get(n.name);
    const b = this.builder;
    if (meta?.kind === 'activation') return this.added(b.activation(this.irName(n), this.feature(n, 0).node, meta.activation ?? 'linear', meta.alpha ?? 0.1), n);
    if (meta?.kind === 'add') return this.added(b.addNode(this.irName(n), [this.feature(n, 0).node]), n);
    const head = this.metaHeads.get(n.name);
    if (meta?.kind === 'yolo' && head) return this.added(b.yolo(this.irName(n), this.feature(n, 0).node, head.anchors, head.classes, head.scaleXY, head.newCoords ?? false, head.nms), n);
    this.values.set(n.outputs[0], this.feature(n, 0, true));
  }

  /** Heads of a foreign model: one yolo node per graph output, anchors from the options or keras-yolo3's defaults. */
  private addHeads(outputs: string[]): void {
    // An output that is a Sigmoid: its pending op becomes a logistic node, before any head.
    for (const o of outputs) {
      const ref = this.values.get(o);
      if (ref?.pending?.materialize) this.values.set(o, ref.pending.materialize());
    }
    outputs.forEach((o, k) => {
      const ref = this.values.get(o);
      if (!ref || ref.pads || ref.partialSum || ref.pending) throw new Error(`output '${o}' is not a feature map`);
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
    validateGraph(graph);
    const warnings = meta || options.anchors ? [] : [`${fileName}: ${assumedAnchorsWarning(graph)}`];
    return { graph, metadata: model.metadata, warnings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${fileName}: ${message}`, { cause: error });
  }
}
