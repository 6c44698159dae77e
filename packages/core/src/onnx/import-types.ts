import type { Graph } from '../graph/types.js';

export interface OnnxImportOptions {
  /**
   * Anchors per head ([w, h] in input pixels), for models without yolo-saliency metadata.
   * Default: keras-yolo3's anchors for 2 or 3 heads.
   */
  anchors?: Array<Array<[number, number]>>;
  /** Class names (default: the metadata's, else class0, class1, ...). */
  classNames?: string[];
  /** The graph's default input size when the ONNX input has no fixed height and width (default 416x416). */
  inputSize?: [number, number];
}

export interface OnnxImport {
  graph: Graph;
  /** The model's metadata_props (ours and anyone else's). */
  metadata: Map<string, string>;
  /**
   * What the user should know about the import, one line each starting with the file name
   * (e.g. anchors assumed for a model without our metadata). Apps print them as warnings.
   */
  warnings: string[];
}

export const DEFAULT_ONNX_INPUT_SIZE: [number, number] = [416, 416];
