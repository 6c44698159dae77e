/**
 * The training loop: synthetic batches, YOLOv3 loss over every head, Adam with warm-up and
 * cosine decay, batch norm running statistics updated after each step.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle has no gradient functions; the union package registers them all
// (into tfjs-core's global registry, so the one engine the backends use sees them).
import '@tensorflow/tfjs';
import type { RuntimeInfo } from '@yolo-saliency/core';
import type { DarknetCfg, DarknetConvLayer, DarknetConvParams } from '@yolo-saliency/core/loaders';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import type { HeadLayout } from './anchor-assignment.js';
import { negativeMask } from './ignore-mask.js';
import { learningRate } from './learning-rate.js';
import { syntheticBatch } from './synthetic-batch.js';
import { TrainableDarknet } from './trainable-darknet.js';
import { headLoss } from './yolo-loss.js';
import { buildHeadTargets } from './yolo-targets.js';

export interface TrainOptions {
  /** Seed of the initial weights. */
  seed?: number;
  /** Seed of the synthetic training images (held-out sets must use another). */
  dataSeed?: number;
  steps: number;
  batchSize?: number;
  /**
   * Draw the images from a fixed pool of this many samples instead of new ones every step
   * (0 = new images every step, the default). A small pool makes a quick overfitting check.
   */
  imagePool?: number;
  learningRate?: number;
  warmupSteps?: number;
  /**
   * Shape IoU above which an object is also assigned to anchors other than its best one
   * (darknet's iou_thresh; default 1 = YOLOv3's single best anchor).
   */
  anchorIouThreshold?: number;
  /** Start from these saved parameters (darknet layout, e.g. readDarknetWeights) instead of random ones. */
  initialParams?: DarknetConvParams[];
  /**
   * The tfjs backend to train on ('auto' by default: the fastest that loads), chosen the way the
   * tfjs runtime chooses it (an explicit one is honoured or refused with its reason).
   */
  backend?: string;
  /** Called once the backend is chosen, before the first step. */
  onStart?: (backend: RuntimeInfo) => void;
  /** Called after every step; a returned promise is awaited (e.g. to save a checkpoint). */
  onStep?: (report: StepReport, model: TrainableDarknet) => void | Promise<void>;
}

export interface StepReport {
  step: number;
  steps: number;
  learningRate: number;
  loss: number;
  terms: { xy: number; wh: number; objectness: number; classes: number };
  elapsedMs: number;
}

export interface TrainResult {
  model: TrainableDarknet;
  /** Where it trained: the tfjs backend and device, with notes (e.g. why it fell back). */
  backend: RuntimeInfo;
  history: StepReport[];
  settings: Required<Omit<TrainOptions, 'onStep' | 'onStart' | 'initialParams' | 'backend'>>;
}

/** Objectness prior: start every cell at p(object) = 1% so the first steps are not swamped by negatives. */
const OBJECTNESS_PRIOR = 0.01;

function headBiasInit(cfg: DarknetCfg): (layer: DarknetConvLayer) => Float32Array | undefined {
  return (layer) => {
    const next = cfg.layers[layer.index + 1];
    if (next?.type !== 'yolo') return undefined;
    const bias = new Float32Array(layer.filters);
    const stride = 5 + next.classes;
    for (let a = 0; a < next.anchors.length; a++) bias[a * stride + 4] = Math.log(OBJECTNESS_PRIOR / (1 - OBJECTNESS_PRIOR));
    return bias;
  };
}

function headLayouts(cfg: DarknetCfg, model: TrainableDarknet): HeadLayout[] {
  const grids = tf.tidy(() => model.forward(tf.zeros([1, cfg.height, cfg.width, cfg.channels]), false).map((h) => h.shape[1]));
  const yolos = cfg.layers.filter((l) => l.type === 'yolo');
  return yolos.map((y, k) => ({ grid: grids[k], anchors: y.anchors }));
}

export async function trainDetector(cfg: DarknetCfg, options: TrainOptions): Promise<TrainResult> {
  if (cfg.width !== cfg.height) throw new Error(`${cfg.fileName}: training needs a square input, got ${cfg.width}x${cfg.height}`);
  const yolos = cfg.layers.filter((l) => l.type === 'yolo');
  if (yolos.length === 0) throw new Error(`${cfg.fileName}: no [yolo] layer to train`);
  const classes = yolos[0].classes;
  const settings = {
    seed: options.seed ?? 0,
    dataSeed: options.dataSeed ?? 0,
    steps: options.steps,
    batchSize: options.batchSize ?? 16,
    imagePool: options.imagePool ?? 0,
    anchorIouThreshold: options.anchorIouThreshold ?? 1,
    learningRate: options.learningRate ?? 2e-3,
    warmupSteps: options.warmupSteps ?? Math.min(200, Math.ceil(options.steps / 10)),
  };
  if (!(Number.isInteger(settings.steps) && settings.steps >= 1)) throw new RangeError(`train: steps must be a positive integer, got ${settings.steps}`);
  const size = cfg.width;
  // tfjs has one global backend: the runtime's own selection sets it (and says why it fell back).
  const backend = await createTfjsRuntime().init({ backend: options.backend ?? 'auto' });
  options.onStart?.(backend);
  const model = new TrainableDarknet(cfg, settings.seed, headBiasInit(cfg));
  if (options.initialParams) await model.loadDarknetParams(options.initialParams);
  const layouts = headLayouts(cfg, model);
  const optimizer = tf.train.adam(settings.learningRate);
  const variables = model.trainableVariables();
  const history: StepReport[] = [];
  const started = performance.now();

  for (let step = 0; step < settings.steps; step++) {
    const first = step * settings.batchSize;
    const batch = syntheticBatch(settings.dataSeed, settings.imagePool ? first % settings.imagePool : first, settings.batchSize, { size }, settings.imagePool);
    const targets = buildHeadTargets(batch.boxes, layouts, size, classes, settings.anchorIouThreshold);
    const lr = learningRate(step, settings.steps, settings.learningRate, settings.warmupSteps);
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    let terms = { xy: 0, wh: 0, objectness: 0, classes: 0 };
    const { value, grads } = tf.variableGrads(() => {
      const x = tf.tensor4d(batch.pixels, batch.shape);
      const heads = model.forward(x, true);
      const parts = heads.map((raw, h) => headLoss(raw, targets[h], negativeMask(raw.dataSync() as Float32Array, targets[h].object, batch.boxes, layouts[h], size, classes), layouts[h].anchors.length, classes));
      const sum = (key: keyof typeof terms) => tf.addN(parts.map((p) => p[key])) as tf.Scalar;
      const xy = sum('xy');
      const wh = sum('wh');
      const objectness = sum('objectness');
      const cls = sum('classes');
      terms = { xy: xy.dataSync()[0], wh: wh.dataSync()[0], objectness: objectness.dataSync()[0], classes: cls.dataSync()[0] };
      return tf.addN([xy, wh, objectness, cls]) as tf.Scalar;
    }, variables);
    const loss = value.dataSync()[0];
    if (!Number.isFinite(loss)) {
      model.discardRunningStatistics();
      tf.dispose([value, grads]);
      throw new Error(`train: the loss became ${loss} at step ${step}; lower --learning-rate`);
    }
    optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
    model.updateRunningStatistics();
    tf.dispose([value, grads]);
    const report: StepReport = { step, steps: settings.steps, learningRate: lr, loss, terms, elapsedMs: performance.now() - started };
    history.push(report);
    await options.onStep?.(report, model);
  }
  optimizer.dispose();
  return { model, backend, history, settings };
}
