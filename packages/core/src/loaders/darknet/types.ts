/**
 * A darknet .cfg after parsing: the [net] size and one typed entry per layer block, indexed
 * the way darknet numbers its layers (the first block after [net] is layer 0).
 */
import type { ActivationKind } from '../../graph/types.js';

interface LayerBase {
  /** Darknet layer index (0 = first block after [net]). */
  index: number;
  /** 1-based line of the block header in the cfg, for messages. */
  line: number;
}

export interface DarknetConvLayer extends LayerBase {
  type: 'convolutional';
  filters: number;
  size: number;
  stride: number;
  /** Zero padding on every side: size/2 when `pad=1`, else `padding=` (default 0). */
  padding: number;
  /** Grouped convolution (`groups=`, default 1): weights are filters x (channels / groups) x size x size. */
  groups: number;
  batchNormalize: boolean;
  activation: ActivationKind;
}

export interface DarknetMaxPoolLayer extends LayerBase {
  type: 'maxpool';
  size: number;
  stride: number;
  /** Darknet's total padding (default size-1), split by darknetMaxPoolPads. */
  padding: number;
}

export interface DarknetUpsampleLayer extends LayerBase {
  type: 'upsample';
  stride: number;
}

export interface DarknetRouteLayer extends LayerBase {
  type: 'route';
  /** Absolute layer indices, in cfg order. */
  layers: number[];
  /** Channel split (`groups=G group_id=K`): slice K of G equal channel slices of each input. */
  groups: number;
  groupId: number;
}

/** `[dropout]`: the identity at inference. */
export interface DarknetDropoutLayer extends LayerBase {
  type: 'dropout';
}

export interface DarknetShortcutLayer extends LayerBase {
  type: 'shortcut';
  /** Absolute index of the layer added to the previous one. */
  from: number;
  activation: ActivationKind;
}

export interface DarknetYoloLayer extends LayerBase {
  type: 'yolo';
  /** The anchors this head uses, [w, h] in input pixels (already masked). */
  anchors: Array<[number, number]>;
  classes: number;
  scaleXY: number;
  /** `new_coords=1`: the head tensor is a logistic output already (see YoloNode.newCoords). */
  newCoords: boolean;
  /** `nms_kind=greedynms` (DIoU, beta 0.6) or `diounms` (DIoU, beta_nms); absent: plain IoU. */
  nms?: { kind: 'diou'; beta: number };
}

export type DarknetLayer =
  | DarknetConvLayer
  | DarknetMaxPoolLayer
  | DarknetUpsampleLayer
  | DarknetRouteLayer
  | DarknetDropoutLayer
  | DarknetShortcutLayer
  | DarknetYoloLayer;

export interface DarknetCfg {
  /** The name messages use for this cfg (a file name or a label). */
  fileName: string;
  width: number;
  height: number;
  channels: number;
  layers: DarknetLayer[];
}

/** Parameters of one convolutional layer as darknet stores them in a .weights file. */
export interface DarknetConvParams {
  /** Bias without batch norm; batch norm's beta (shift) with it. */
  biases: Float32Array;
  /** Present only for batch-normalised layers. */
  batchNorm?: { scales: Float32Array; rollingMean: Float32Array; rollingVariance: Float32Array };
  /** OIHW, filters*channels*size*size. */
  weights: Float32Array;
}
