/**
 * What ONNX cannot express about our graph travels in ModelProto.metadata_props as JSON:
 * the detection heads (anchors, classes, scale_x_y), class names, and the IR node list (names,
 * kinds, exact LeakyReLU slopes), so that importing an exported model rebuilds the IR exactly.
 */
import type { ActivationKind, Graph, NodeKind } from '../graph/types.js';

export const GRAPH_METADATA_KEY = 'yolo_saliency.graph';
/** 'seeded' when the exported weights were untrained noise (set by `yolo-saliency convert`), else 'file'. */
export const WEIGHTS_SOURCE_METADATA_KEY = 'yolo_saliency.weights_source';
/** JSON list of OnnxOutputInfo: what each graph output is (heads, tape). */
export const OUTPUTS_METADATA_KEY = 'yolo_saliency.outputs';

export interface MetadataNode {
  name: string;
  kind: NodeKind;
  activation?: ActivationKind;
  /** LeakyReLU slope as a double (the ONNX attribute is float32). */
  alpha?: number;
}

export interface MetadataHead {
  /** The yolo node's name. */
  name: string;
  /** The graph output carrying this head's raw tensor. */
  output: string;
  anchors: Array<[number, number]>;
  classes: number;
  scaleXY: number;
  /** Darknet's new_coords (absent in files written before it existed: false). */
  newCoords?: boolean;
  /** Darknet's DIoU NMS (absent: plain IoU). */
  nms?: { kind: 'diou'; beta: number };
}

export interface GraphMetadata {
  version: 1;
  /** Loader the graph originally came from ('darknet', 'keras', ...). */
  source: string;
  inputName: string;
  inputSize: [number, number];
  classNames: string[];
  nodes: MetadataNode[];
  heads: MetadataHead[];
}

export function graphMetadata(graph: Graph, headOutputs: string[]): GraphMetadata {
  return {
    version: 1,
    source: graph.source,
    inputName: graph.nodes[0].name,
    inputSize: graph.inputSize,
    classNames: graph.classNames,
    nodes: graph.nodes.map((n) => (n.kind === 'activation' ? { name: n.name, kind: n.kind, activation: n.activation, alpha: n.alpha } : { name: n.name, kind: n.kind })),
    heads: graph.heads.map((h, k) => {
      const n = graph.nodes[h];
      if (n.kind !== 'yolo') throw new Error(`ONNX export: head ${k} ('${n.name}') is not a yolo node`);
      return { name: n.name, output: headOutputs[k], anchors: n.anchors, classes: n.classes, scaleXY: n.scaleXY, ...(n.newCoords ? { newCoords: true } : {}), ...(n.nms ? { nms: n.nms } : {}) };
    }),
  };
}

const isPair = (a: unknown): a is [number, number] => Array.isArray(a) && a.length === 2 && a.every((x) => typeof x === 'number');

/** Parse and sanity-check the JSON; throws a message without the file name (the caller adds it). */
export function parseGraphMetadata(json: string): GraphMetadata {
  let m: GraphMetadata;
  try {
    m = JSON.parse(json) as GraphMetadata;
  } catch {
    throw new Error(`metadata '${GRAPH_METADATA_KEY}' is not valid JSON`);
  }
  const ok =
    m &&
    m.version === 1 &&
    typeof m.inputName === 'string' &&
    isPair(m.inputSize) &&
    Array.isArray(m.classNames) &&
    Array.isArray(m.nodes) &&
    m.nodes.every((n) => n && typeof n.name === 'string' && typeof n.kind === 'string') &&
    Array.isArray(m.heads) &&
    m.heads.every((h) => h && typeof h.name === 'string' && typeof h.output === 'string' && Array.isArray(h.anchors) && h.anchors.every(isPair) && Number.isInteger(h.classes) && typeof h.scaleXY === 'number' && (h.newCoords === undefined || typeof h.newCoords === 'boolean') && (h.nms === undefined || (h.nms?.kind === 'diou' && Number.isFinite(h.nms.beta))));
  if (!ok) throw new Error(`metadata '${GRAPH_METADATA_KEY}' is not a yolo-saliency graph description (version 1)`);
  return m;
}
