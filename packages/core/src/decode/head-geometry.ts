/**
 * How a raw head tensor [N, H, W, A*(5+C)] is laid out, and where it sits on the network
 * input. Shared by decoding and targets so both index the heads the same way.
 */
import { nodeStrides } from '../graph/shapes.js';
import type { Graph, YoloNode } from '../graph/types.js';
import type { TensorData } from '../runtime/types.js';

export interface HeadGeometry {
  /** Head index in model order. */
  scale: number;
  node: YoloNode;
  batch: number;
  gridH: number;
  gridW: number;
  anchors: number;
  classes: number;
  /** Channels per anchor: 5 + classes. */
  entry: number;
  /** Channels of the whole head: anchors * entry. */
  channels: number;
  /** Network input size in pixels, from the grid and the head's total stride. */
  inputH: number;
  inputW: number;
}

/** Check the raw heads against the graph and describe each one. */
export function headGeometries(graph: Graph, heads: TensorData[]): HeadGeometry[] {
  if (heads.length !== graph.heads.length) {
    throw new Error(`expected ${graph.heads.length} raw head tensors (one per yolo layer), got ${heads.length}`);
  }
  const strides = nodeStrides(graph);
  return heads.map((tensor, scale) => {
    const node = graph.nodes[graph.heads[scale]] as YoloNode;
    const where = `head ${scale} ('${node.name}')`;
    if (tensor.dims.length !== 4) throw new Error(`${where}: expected dims [N, H, W, C], got [${tensor.dims.join(', ')}]`);
    const [batch, gridH, gridW, channels] = tensor.dims;
    const entry = 5 + node.classes;
    if (channels !== node.anchors.length * entry) {
      throw new Error(`${where}: ${channels} channels, but ${node.anchors.length} anchors x (5 + ${node.classes} classes) need ${node.anchors.length * entry}`);
    }
    if (tensor.data.length !== batch * gridH * gridW * channels) {
      throw new Error(`${where}: ${tensor.data.length} values for dims [${tensor.dims.join(', ')}]`);
    }
    if (scale > 0 && batch !== heads[0].dims[0]) throw new Error(`${where}: batch ${batch} differs from head 0's batch ${heads[0].dims[0]}`);
    const stride = strides[graph.heads[scale]];
    return {
      scale, node, batch, gridH, gridW,
      anchors: node.anchors.length, classes: node.classes, entry, channels,
      inputH: gridH * stride, inputW: gridW * stride,
    };
  });
}

/** Flat offset of channel 0 of (item n, cell y/x, anchor a) in a head's data. */
export function anchorOffset(head: HeadGeometry, n: number, y: number, x: number, anchor: number): number {
  return ((n * head.gridH + y) * head.gridW + x) * head.channels + anchor * head.entry;
}
