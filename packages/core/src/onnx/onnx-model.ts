/**
 * The subset of an ONNX ModelProto this package reads and writes, as plain objects.
 * Field names follow onnx.proto; only what a YOLOv3-style model needs is kept.
 */

export interface OnnxTensor {
  name: string;
  dims: number[];
  /** TensorProto.DataType (see DATA_TYPE). */
  dataType: number;
  /** Little-endian raw bytes (raw_data), when the tensor was stored that way. */
  raw?: Uint8Array;
  /** float_data / double_data. */
  floats?: number[];
  /** int32_data / int64_data / uint64_data. */
  ints?: number[];
  /** True when the data lives in an external file (not supported for reading values). */
  external?: boolean;
}

export type OnnxAttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensor }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'other' };

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttributeValue>;
}

/** A dimension: a fixed size, a symbolic name, or unknown. */
export type OnnxDim = number | string | undefined;

export interface OnnxValueInfo {
  name: string;
  /** Element type (TensorProto.DataType); 0 when not a tensor or unknown. */
  elemType: number;
  /** Undefined when the shape is unknown. */
  dims?: OnnxDim[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsets: Array<{ domain: string; version: number }>;
  graph: OnnxGraph;
  metadata: Map<string, string>;
}
