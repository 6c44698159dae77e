/**
 * Bounds on every number a model file can set, checked by every loader before anything is
 * allocated or computed from it. Real YOLO models sit far inside them (yolov3: 3x3 kernels,
 * stride 2, 1024 filters, 80 classes, 62M parameters); a file outside them is corrupt or
 * hostile, and without them a stride of 0 loops forever, `filters=1000000000` asks for tens
 * of gigabytes, and a pad of 5000 reaches the native addon as an internal error.
 *
 * The native addon accepts kernels, strides, pads and upsample factors up to 1024 and tensor
 * dimensions up to 2^20; these limits stay below its own so that a user never meets its
 * wording.
 */
export const GRAPH_LIMITS = Object.freeze({
  /** Network input height and width (darknet width/height, an ONNX or Keras input). */
  inputSize: 8192,
  /** Channels of the network input. */
  inputChannels: 64,
  /** Filters of a conv, and channels of any tensor. */
  channels: 65536,
  /** A conv kernel's height and width, a maxpool's size. */
  window: 128,
  /** A conv's or maxpool's stride. */
  stride: 128,
  /** Padding on one side of a conv or maxpool. */
  pad: 128,
  /** A nearest-upsampling factor. */
  upsample: 64,
  /** Classes of a detection head. */
  classes: 16384,
  /** Anchors of one detection head. */
  anchorsPerHead: 64,
  /** An anchor's width or height in input pixels. */
  anchorSize: 65536,
  /** Darknet's scale_x_y. */
  scaleXY: 16,
  /** The exponent of darknet's DIoU NMS (beta_nms, 0.6 in practice). */
  nmsBeta: 16,
  /** Learnable parameters of the whole model: 2^28 floats are 1 GiB as float32. */
  parameters: 2 ** 28,
  /**
   * Parameters of darknet's seeded (untrained) weights, made up from a cfg alone: a few lines
   * of cfg must not make gigabytes (yolov3 has 62M, yolov4 64M).
   */
  seededParameters: 2 ** 26,
  /** Height and width of any tensor at the model's input size. */
  tensorSize: 2 ** 20,
  /** Nodes of the graph (yolov3 has 107, yolov4 259): loading and every walk stay fast. */
  nodes: 20000,
  /** Blocks of a darknet cfg after [net] (yolov4-p6 has about 900). */
  cfgLayers: 10000,
  /** Characters of a class name (names are printed and drawn). */
  classNameLength: 256,
});

export type GraphLimits = typeof GRAPH_LIMITS;
