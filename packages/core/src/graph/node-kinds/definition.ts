/**
 * Everything core knows about one node kind, in one object: the shape rule, the parameter
 * count, the summary text, the float64 reference forward, how a VisualBackProp mask crosses
 * the node, and the ONNX mapping both ways. `NODE_KINDS` (index.ts) holds one per kind and is
 * typed as a record over every NodeKind, so a new kind that misses any of these does not
 * compile. Runtimes keep their own per-kind tables (forward, backward) in the same spirit.
 */
import type { VbpEdgeOp } from '../../algorithms/vbp-plan.js';
import type { OnnxExportContext, OnnxImportHandler } from '../../onnx/node-context.js';
import type { GraphNode, Shape3 } from '../types.js';

/** A batch of NHWC activations in float64: `data[((n*H + y)*W + x)*C + c]`. */
export interface ReferenceTensor {
  shape: Shape3;
  batch: number;
  data: Float64Array;
}

export interface NodeKindDefinition<N extends GraphNode> {
  /**
   * Output shape of one image given the input shapes ([H, W, C] each). `where` names the node
   * for messages ("layer 'conv_3' (conv)"); a mismatch throws an Error starting with it.
   */
  outputShape(node: N, inputs: Shape3[], inputSize: [number, number], where: string): Shape3;
  /** How the node changes the total stride from its input: output stride = input stride x this. */
  strideFactor(node: N): number;
  /** Learnable parameters (batch norm is already folded). */
  parameterCount(node: N): number;
  /** The node's settings in a few words, for the layer table ("3x3/2 pads 1,1,1,1 16 filters"). */
  details(node: N): string;
  /**
   * The textbook float64 forward (core's yardstick for runtimes and loaders). `input` is the
   * network input, read only by the input node.
   */
  reference(node: N, inputs: ReferenceTensor[], out: Shape3, input: Float32Array): Float64Array;
  /** VisualBackProp: does the mask multiply by this node's channel-mean map (vbp-plan.ts)? */
  vbpFeatureMap(node: N): boolean;
  /** VisualBackProp: how the mask at the output reaches an input of shape `inputShape`. */
  vbpEdge(node: N, inputShape: Shape3): VbpEdgeOp;
  /** Write the node (and its tape outputs) into an ONNX graph. */
  exportOnnx(node: N, ctx: OnnxExportContext): void;
  /** ONNX operators that import as this kind, by op type. */
  importOnnx: Record<string, OnnxImportHandler>;
}
