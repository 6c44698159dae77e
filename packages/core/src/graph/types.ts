/**
 * The model graph (IR) every loader produces and every runtime consumes.
 *
 * A YOLOv3 model is a DAG of a few node kinds. Nodes are stored in topological order;
 * `inputs` are indices into `Graph.nodes`. Tensors are NHWC when they flow between
 * nodes (one image: [H, W, C]); conv weights are OIHW as darknet and ONNX store them.
 * Batch norm is always folded into conv weights and bias by the loader, so runtimes
 * never see it.
 */

export type ActivationKind = 'leaky' | 'linear' | 'logistic' | 'relu' | 'mish' | 'swish';

/** Zero padding added around a conv input (pixels). Asymmetric pads are first-class. */
export interface Pads {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

interface NodeBase {
  /** Stable human-readable name (darknet: `conv_12`, Keras: the layer name). Unique in a graph. */
  name: string;
  /** Indices of producer nodes in `Graph.nodes`. */
  inputs: number[];
}

export interface InputNode extends NodeBase {
  kind: 'input';
  /** Channels of the network input (3 for RGB). */
  channels: number;
}

export interface ConvNode extends NodeBase {
  kind: 'conv';
  filters: number;
  /** Input channels (= C of the input tensor). */
  channels: number;
  kernel: [kh: number, kw: number];
  stride: number;
  pads: Pads;
  /**
   * Grouped convolution: input and output channels are split into `groups` equal parts and
   * part g of the output sees only part g of the input (1: a plain conv; = channels: depthwise).
   */
  groups: number;
  /** OIHW with I = channels / groups, length filters*(channels/groups)*kh*kw, batch norm already folded in. */
  weights: Float32Array;
  /** Length filters. */
  bias: Float32Array;
}

export interface ActivationNode extends NodeBase {
  kind: 'activation';
  activation: ActivationKind;
  /** Negative slope for 'leaky' (darknet and keras-yolo3 use 0.1). */
  alpha: number;
}

/**
 * Max pooling the darknet way: output size ceil-ish per `outputSize`, and pixels outside the
 * input never win (the max is over valid pixels only). `pads` says how far the window reaches
 * before the first pixel (top/left); bottom/right are whatever is left to cover the output.
 */
export interface MaxPoolNode extends NodeBase {
  kind: 'maxpool';
  size: number;
  stride: number;
  pads: Pads;
}

export interface UpsampleNode extends NodeBase {
  kind: 'upsample';
  /** Nearest-neighbour integer factor. */
  factor: number;
}

/** Channel concatenation of all inputs, in order (darknet route, Keras Concatenate). */
export interface ConcatNode extends NodeBase {
  kind: 'concat';
}

/**
 * Channels [start, start + count) of the single input (darknet's channel-split route,
 * `[route] groups=G group_id=K`, takes slice K of G equal slices of each input).
 */
export interface SliceNode extends NodeBase {
  kind: 'slice';
  start: number;
  count: number;
}

/** Element-wise sum of all inputs (darknet shortcut with linear activation, Keras Add). */
export interface AddNode extends NodeBase {
  kind: 'add';
}

/**
 * A detection head. Its single input is the raw head tensor [H, W, anchors*(5+classes)],
 * channel index = anchor*(5+classes)+channel (0-3 tx ty tw th, 4 objectness logit,
 * 5+k class-k logit). The head node itself computes nothing in a runtime: runtimes
 * return the raw input tensor of each head, in head order.
 */
export interface YoloNode extends NodeBase {
  kind: 'yolo';
  /** Anchors of this head in input pixels, [w, h] each (already masked). */
  anchors: Array<[w: number, h: number]>;
  classes: number;
  /** Darknet scale_x_y (1 by default): xy = (sigmoid*s - (s-1)/2 + cell)/grid. */
  scaleXY: number;
  /**
   * Darknet's `new_coords=1` (Scaled-YOLOv4, YOLOv7): the head tensor is already a logistic
   * output, so probabilities are read as they are, xy = (v*s - (s-1)/2 + cell)/grid and
   * wh = anchor * 4v² (decode/yolo-math.ts).
   */
  newCoords: boolean;
  /**
   * Darknet's `nms_kind` (greedynms, diounms): NMS compares boxes by DIoU, IoU − (d²/c²)^beta
   * (d: the centres' distance, c: the enclosing box's diagonal), on image-relative boxes.
   * Absent: plain IoU. Decoding uses the last head's setting, as darknet does.
   */
  nms?: { kind: 'diou'; beta: number };
}

export type GraphNode =
  | InputNode
  | ConvNode
  | ActivationNode
  | MaxPoolNode
  | UpsampleNode
  | ConcatNode
  | SliceNode
  | AddNode
  | YoloNode;

export type NodeKind = GraphNode['kind'];

export interface Graph {
  /** Topologically ordered; nodes[0] is the single input node. */
  nodes: GraphNode[];
  /** Indices of the yolo nodes, in head order (darknet cfg order, Keras output order). */
  heads: number[];
  /** Default network input size [height, width] (cfg width/height or Keras input shape). */
  inputSize: [height: number, width: number];
  /** Class names when known (else `class0`, `class1`, ...). */
  classNames: string[];
  /** Where the graph came from, for messages: 'darknet', 'keras', 'onnx', 'test'. */
  source: string;
  /** Largest total stride of the network: input sizes must be multiples of it. */
  maxStride: number;
}

/** Shape of one image's tensor at a node: [H, W, C]. */
export type Shape3 = [h: number, w: number, c: number];
