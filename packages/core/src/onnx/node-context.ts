/**
 * What a node kind's ONNX mapping (graph/node-kinds/*.ts) sees while the exporter or the
 * importer walks a graph. The exporter and importer own the state; a kind only reads its
 * inputs and writes its nodes through these.
 */
import type { GraphBuilder } from '../graph/builder.js';
import type { Pads, Shape3 } from '../graph/types.js';
import type { OnnxOutputDtype, OnnxOutputKind } from './export-types.js';
import type { MetadataNode } from './graph-metadata.js';
import type { OnnxAttributeValue, OnnxNode, OnnxTensor } from './onnx-model.js';

export interface OnnxExportContext {
  /** Index of the IR node being written. */
  index: number;
  /** ONNX value names of its inputs, in order. */
  inputs: string[];
  /** The ONNX value name its output must have. */
  output: string;
  /** Output shape [H, W, C] of one image at every IR node. */
  shapes: readonly Shape3[];
  /** Which tape outputs to add (see OnnxTapeOptions). */
  tape: { signs: boolean; argmax: boolean };
  /** Whether VisualBackProp records this node's channel mean. */
  recordsMean: boolean;
  /** An ONNX node standing for the IR node `name` (the importer matches the names). */
  irNode(opType: string, name: string, inputs: string[], outputs: string[], attributes?: Record<string, OnnxAttributeValue>): void;
  /** A helper ONNX node (tape, partial sums) under a fresh name derived from `name`. */
  helperNode(opType: string, name: string, inputs: string[], outputs: string[], attributes?: Record<string, OnnxAttributeValue>): void;
  /** A fresh value name derived from `wanted`. */
  value(wanted: string): string;
  /** Add a constant; returns its value name. */
  initializer(tensor: OnnxTensor): string;
  /** A scalar float 0 shared by every comparison. */
  zero(): string;
  /** Declare a tape output of this node; dims are NCHW without the batch. */
  tapeOutput(name: string, kind: Exclude<OnnxOutputKind, 'head'>, dtype: OnnxOutputDtype, dims: [c: number, h: number, w: number]): void;
}

/** What an ONNX value name stands for in the IR being built. */
export interface OnnxValueRef {
  /** IR node whose output this is. */
  node: number;
  /** Zero padding a Pad node added, waiting for the Conv that will absorb it. */
  pads?: Pads;
  padNode?: string;
  /** Inputs of a partial sum that the next Add continues (an exported n-ary add). */
  partialSum?: number[];
  /**
   * A unary op applied to `node` that only means something with its consumer (Softplus and Tanh
   * inside mish; a Sigmoid that may be half of a swish). `materialize` makes it an IR node of its
   * own when an ordinary consumer reads it; without it, such a read is an error naming `node`.
   */
  pending?: { op: 'sigmoid' | 'softplus' | 'tanh-softplus'; node: string; materialize?: () => OnnxValueRef };
}

export interface OnnxImportContext {
  readonly builder: GraphBuilder;
  /** The model's default-domain opset. */
  readonly opset: number;
  /** Whether the file carries our graph metadata (an export of ours). */
  readonly hasMetadata: boolean;
  /** Our metadata's description of the IR node exported under this name. */
  metadataNode(name: string): MetadataNode | undefined;
  /**
   * A feature-map input; pending zero padding is only accepted where `allowPads` says so, and a
   * pending unary op becomes its own IR node here (or is an error, see OnnxValueRef.pending).
   */
  feature(n: OnnxNode, k: number, allowPads?: boolean): OnnxValueRef;
  /** Input k as it stands, pending ops included (for the consumers that complete a pattern). */
  pendingInput(n: OnnxNode, k: number): OnnxValueRef | undefined;
  /** A constant input (initializer or Constant node); `what` names it in the error. */
  constant(n: OnnxNode, k: number, what: string): OnnxTensor;
  /** [h, w] of a value, pending padding included. */
  spatialSize(ref: OnnxValueRef): [number, number];
  /** Output shape of an IR node built so far. */
  shape(node: number): Shape3;
  /** A unique IR name for the node built from `n`. */
  irName(n: OnnxNode): string;
  /** Record the IR node just built from `n`: its shape, and that it produces n.outputs[0]. */
  added(index: number, n: OnnxNode): void;
  /** Make an ONNX value stand for an existing IR value. */
  alias(value: string, ref: OnnxValueRef): void;
  /** The ONNX nodes reading a value. */
  consumers(value: string): OnnxNode[];
  /** The ONNX value an IR node's output is known under last (a folded op moves it on). */
  producedValue(node: number): string | undefined;
  setProducedValue(node: number, value: string): void;
}

export type OnnxImportHandler = (n: OnnxNode, ctx: OnnxImportContext) => void;
