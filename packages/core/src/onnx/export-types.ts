/** What exportOnnx takes and what it says about the outputs it wrote. */

export interface OnnxTapeOptions {
  /**
   * What each activation's backward needs (graph/activation-functions.ts, `tape`): for
   * leaky/relu the sign of its input, `[x > 0]` as an ONNX bool tensor (one byte per element,
   * kind 'sign'); for logistic its output (kind 'activation-output', float32); for mish and
   * swish its input (kind 'activation-input', float32). NCHW like the activation.
   */
  signs?: boolean;
  /**
   * For every maxpool, where each output's max came from: int32 [N, C, oh, ow], the index
   * iy*W + ix of the winning pixel within the same (n, c) plane of the pool's input (H x W).
   * Built from MaxPool's own `Indices` output (flattened NCHW int64) modulo H*W, so it is
   * independent of the batch size and always fits int32.
   */
  argmax?: boolean;
  /**
   * For every VisualBackProp activation (planVisualBackProp(graph).meanNodes): the channel mean
   * of its output, clamped at 0, float32 [N, 1, h, w].
   */
  means?: boolean;
}

export interface OnnxExportOptions {
  /** The fixed H and W of the ONNX input (default: the graph's input size); the batch stays symbolic. */
  inputSize?: [number, number];
  tape?: OnnxTapeOptions;
  /** Extra metadata_props entries (e.g. where the weights came from). */
  metadata?: Record<string, string>;
}

export type OnnxOutputKind = 'head' | 'sign' | 'argmax' | 'mean' | 'activation-output' | 'activation-input';

export type OnnxOutputDtype = 'float32' | 'bool' | 'int32';

export interface OnnxOutputInfo {
  /** The graph output's name (what onnxruntime returns it under). */
  name: string;
  kind: OnnxOutputKind;
  /** Index of the IR node it belongs to (the yolo node for a head, the activation or maxpool for the tape). */
  node: number;
  dtype: OnnxOutputDtype;
  /** NCHW; the batch is the symbolic 'N'. */
  dims: ['N', number, number, number];
}

export interface OnnxExport {
  bytes: Uint8Array;
  outputs: OnnxOutputInfo[];
}

/** The symbolic batch dimension's name in the exported model. */
export const BATCH_DIM = 'N';
