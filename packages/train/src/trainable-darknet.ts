/**
 * A darknet cfg as trainable tfjs variables: per conv an HWIO filter, and either a bias or
 * batch norm (gamma, beta, running mean and variance). The forward pass walks the cfg layers
 * the way darknet does; training mode normalises with batch statistics and updates the
 * running ones, inference mode uses the running ones (what the saved .weights hold).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createSeededRandom, type SeededRandom } from '@yolo-saliency/core';
import { darknetConvShapes, DARKNET_BN_EPSILON, type DarknetCfg, type DarknetConvLayer, type DarknetConvParams, type DarknetConvShape, type DarknetLayer } from '@yolo-saliency/core/loaders';
import { hwioToOihw, oihwToHwio } from '@yolo-saliency/core/graph';
import { TFJS_ACTIVATIONS } from '@yolo-saliency/runtime-tfjs';
import { conv2dTrainable } from './conv2d-trainable.js';
import { maxPoolTrainable, upsampleTrainable } from './trainable-layers.js';

/** tfjs-style epsilon inside the root; converted to darknet's (outside the root) on export. */
export const TRAIN_BN_EPSILON = 1e-5;
/** Running statistics: running = momentum * running + (1 - momentum) * batch. */
export const BN_MOMENTUM = 0.97;
const LEAKY_ALPHA = 0.1;

interface ConvVariables {
  shape: DarknetConvShape;
  filter: tf.Variable<tf.Rank.R4>;
  bias?: tf.Variable<tf.Rank.R1>;
  gamma?: tf.Variable<tf.Rank.R1>;
  beta?: tf.Variable<tf.Rank.R1>;
  runningMean?: tf.Variable<tf.Rank.R1>;
  runningVariance?: tf.Variable<tf.Rank.R1>;
}

/** Batch statistics seen in one training forward pass, applied after the step. */
interface PendingStats {
  conv: ConvVariables;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

interface TrainingLayerContext {
  /** The previous layer's output (the input for layer 0). */
  previous: tf.Tensor4D;
  /** Outputs of the layers so far, by darknet index. */
  outputs: tf.Tensor4D[];
  /** The next conv layer (cfg order) applied to x, with its batch norm and activation. */
  conv(x: tf.Tensor4D): tf.Tensor4D;
  head(x: tf.Tensor4D): void;
}

type TrainingForward<L extends DarknetLayer> = (layer: L, ctx: TrainingLayerContext) => tf.Tensor4D;

/**
 * The training forward of each darknet block type (a record over every type: a block added to
 * the darknet loader without its training op here does not compile). Pooling and upsampling
 * use the trainer's own ops, whose gradients are right on every backend (trainable-layers.ts).
 */
const TRAINING_FORWARD: { [T in DarknetLayer['type']]: TrainingForward<Extract<DarknetLayer, { type: T }>> } = {
  convolutional: (_layer, ctx) => ctx.conv(ctx.previous),
  maxpool: (layer, ctx) => maxPoolTrainable(ctx.previous, layer.size, layer.stride),
  upsample: (layer, ctx) => upsampleTrainable(ctx.previous, layer.stride),
  route: (layer, ctx) => {
    // groups/group_id: each source contributes its group_id-th of `groups` channel slices.
    const parts = layer.layers.map((j) => {
      const x = ctx.outputs[j];
      if (layer.groups === 1) return x;
      const count = x.shape[3] / layer.groups;
      return tf.slice(x, [0, 0, 0, layer.groupId * count], [-1, -1, -1, count]);
    });
    return parts.length === 1 ? parts[0] : tf.concat(parts, 3);
  },
  // The identity at inference; training here runs without dropout.
  dropout: (_layer, ctx) => ctx.previous,
  shortcut: (layer, ctx) => TFJS_ACTIVATIONS[layer.activation].apply(tf.add(ctx.previous, ctx.outputs[layer.from]), LEAKY_ALPHA),
  yolo: (_layer, ctx) => {
    ctx.head(ctx.previous);
    return ctx.previous;
  },
};

function heNormal(random: SeededRandom, count: number, fanIn: number): Float32Array {
  const std = Math.sqrt(2 / ((1 + LEAKY_ALPHA ** 2) * fanIn));
  const out = new Float32Array(count);
  for (let k = 0; k < count; k++) out[k] = random.normal() * std;
  return out;
}

export class TrainableDarknet {
  readonly cfg: DarknetCfg;
  private readonly convs: ConvVariables[];
  private pending: PendingStats[] = [];

  constructor(cfg: DarknetCfg, seed: number, headBiases?: (layer: DarknetConvLayer) => Float32Array | undefined) {
    this.cfg = cfg;
    const random = createSeededRandom(seed);
    this.convs = darknetConvShapes(cfg).map((shape): ConvVariables => {
      const { layer, channels } = shape;
      if (layer.groups !== 1) throw new Error(`${cfg.fileName}:${layer.line}: [convolutional] layer ${layer.index}: training grouped convolutions (groups=${layer.groups}) is not supported`);
      const k = layer.size;
      const filter = tf.variable(tf.tensor4d(heNormal(random, k * k * channels * layer.filters, k * k * channels), [k, k, channels, layer.filters]), true);
      if (!layer.batchNormalize) {
        const initial = headBiases?.(layer) ?? new Float32Array(layer.filters);
        return { shape, filter, bias: tf.variable(tf.tensor1d(initial), true) };
      }
      return {
        shape,
        filter,
        gamma: tf.variable(tf.ones([layer.filters]), true),
        beta: tf.variable(tf.zeros([layer.filters]), true),
        runningMean: tf.variable(tf.zeros([layer.filters]), false),
        runningVariance: tf.variable(tf.ones([layer.filters]), false),
      };
    });
  }

  /** The variables the optimiser updates. */
  trainableVariables(): tf.Variable[] {
    return this.convs.flatMap((c) => [c.filter, c.bias, c.gamma, c.beta].filter((v): v is tf.Variable<tf.Rank.R4> | tf.Variable<tf.Rank.R1> => v !== undefined));
  }

  parameterCount(): number {
    return this.trainableVariables().reduce((sum, v) => sum + v.size, 0);
  }

  /** Raw head tensors [B, H, W, anchors*(5+classes)], in cfg order. Input NHWC in [0, 1]. */
  forward(input: tf.Tensor4D, training: boolean): tf.Tensor4D[] {
    const outputs: tf.Tensor4D[] = [];
    const heads: tf.Tensor4D[] = [];
    let convIndex = 0;
    for (const layer of this.cfg.layers) {
      const ctx: TrainingLayerContext = {
        previous: layer.index === 0 ? input : outputs[layer.index - 1],
        outputs,
        conv: (x) => this.conv(this.convs[convIndex++], x, training),
        head: (x) => heads.push(x),
      };
      outputs.push((TRAINING_FORWARD[layer.type] as TrainingForward<DarknetLayer>)(layer, ctx));
    }
    return heads;
  }

  private conv(c: ConvVariables, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const { layer } = c.shape;
    const p = layer.padding;
    const padded = p > 0 ? tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]) : x;
    let y = conv2dTrainable(padded, c.filter, layer.stride, layer.index !== 0);
    if (c.bias) {
      y = tf.add(y, c.bias);
    } else {
      let mean: tf.Tensor1D;
      let variance: tf.Tensor1D;
      if (training) {
        const moments = tf.moments(y, [0, 1, 2]);
        mean = moments.mean as tf.Tensor1D;
        variance = moments.variance as tf.Tensor1D;
        this.pending.push({ conv: c, mean: tf.keep(mean), variance: tf.keep(variance) });
      } else {
        mean = c.runningMean!;
        variance = c.runningVariance!;
      }
      const scale = tf.mul(c.gamma!, tf.rsqrt(tf.add(variance, TRAIN_BN_EPSILON)));
      y = tf.add(tf.mul(tf.sub(y, mean), scale), c.beta!);
    }
    return TFJS_ACTIVATIONS[layer.activation].apply(y, LEAKY_ALPHA);
  }

  /** Fold the batch statistics of the last training forward pass into the running ones. */
  updateRunningStatistics(): void {
    for (const { conv, mean, variance } of this.pending) {
      tf.tidy(() => {
        conv.runningMean!.assign(tf.add(tf.mul(conv.runningMean!, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
        conv.runningVariance!.assign(tf.add(tf.mul(conv.runningVariance!, BN_MOMENTUM), tf.mul(variance, 1 - BN_MOMENTUM)));
      });
      mean.dispose();
      variance.dispose();
    }
    this.pending = [];
  }

  /** Drop the statistics of a forward pass that is not followed by an update (e.g. a failed step). */
  discardRunningStatistics(): void {
    for (const { mean, variance } of this.pending) {
      mean.dispose();
      variance.dispose();
    }
    this.pending = [];
  }

  /**
   * The parameters as darknet stores them. Darknet divides by sqrt(var) + 1e-6 where training
   * divided by sqrt(var + 1e-5): the stored variance is adjusted so both give the same scale.
   */
  async darknetParams(): Promise<DarknetConvParams[]> {
    const params: DarknetConvParams[] = [];
    for (const c of this.convs) {
      const { layer, channels } = c.shape;
      const k = layer.size;
      const weights = hwioToOihw(await c.filter.data(), [k, k, channels, layer.filters]);
      if (c.bias) {
        params.push({ biases: Float32Array.from(await c.bias.data()), weights });
        continue;
      }
      const variance = await c.runningVariance!.data();
      const rollingVariance = Float32Array.from(variance, (v) => (Math.sqrt(v + TRAIN_BN_EPSILON) - DARKNET_BN_EPSILON) ** 2);
      params.push({
        biases: Float32Array.from(await c.beta!.data()),
        batchNorm: { scales: Float32Array.from(await c.gamma!.data()), rollingMean: Float32Array.from(await c.runningMean!.data()), rollingVariance },
        weights,
      });
    }
    return params;
  }

  /**
   * Start from saved darknet parameters (e.g. to continue a run): the inverse of darknetParams.
   * Adam's moments are not saved, so the optimiser restarts; batch norm statistics carry over.
   */
  async loadDarknetParams(params: DarknetConvParams[]): Promise<void> {
    if (params.length !== this.convs.length) throw new Error(`${this.cfg.fileName}: ${params.length} saved conv layers for ${this.convs.length} in the cfg`);
    this.convs.forEach((c, k) => {
      const { layer, channels } = c.shape;
      const p = params[k];
      const kk = layer.size;
      c.filter.assign(tf.tensor4d(oihwToHwio(p.weights, [kk, kk, channels, layer.filters]), c.filter.shape));
      if (c.bias) {
        c.bias.assign(tf.tensor1d(p.biases));
        return;
      }
      if (!p.batchNorm) throw new Error(`${this.cfg.fileName}: conv layer ${layer.index} has batch norm but the saved parameters do not`);
      c.beta!.assign(tf.tensor1d(p.biases));
      c.gamma!.assign(tf.tensor1d(p.batchNorm.scales));
      c.runningMean!.assign(tf.tensor1d(p.batchNorm.rollingMean));
      c.runningVariance!.assign(tf.tensor1d(Float32Array.from(p.batchNorm.rollingVariance, (v) => Math.max(0, (Math.sqrt(v) + DARKNET_BN_EPSILON) ** 2 - TRAIN_BN_EPSILON))));
    });
  }

  dispose(): void {
    this.discardRunningStatistics();
    for (const c of this.convs) for (const v of [c.filter, c.bias, c.gamma, c.beta, c.runningMean, c.runningVariance]) v?.dispose();
  }
}
