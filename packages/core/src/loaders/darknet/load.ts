/**
 * Load a darknet model from bytes and strings (no file access, so it runs in a browser):
 * the .cfg text, optionally the .weights bytes and class names.
 */
import type { Graph } from '../../graph/types.js';
import { foldDarknetBatchNorm } from './batch-norm.js';
import { parseDarknetCfg } from './cfg.js';
import { buildDarknetGraph } from './graph.js';
import { darknetConvShapes, darknetLayerChannels } from './layer-channels.js';
import { seededConvWeights } from './seeded-weights.js';
import type { DarknetCfg } from './types.js';
import { readDarknetWeights, type DarknetWeightsHeader } from './weights-file.js';

export interface LoadDarknetOptions {
  /** The .cfg text. */
  cfg: string;
  /** Names the cfg in messages (e.g. its file name). */
  cfgName?: string;
  /** The .weights bytes; without them the weights are seeded (untrained). */
  weights?: Uint8Array;
  /** Names the weights in messages. */
  weightsName?: string;
  /** One per class (e.g. from parseNames); default class0, class1, ... */
  classNames?: string[];
  /** Seed of the untrained weights used when `weights` is absent (default 0). */
  seed?: number;
}

export interface DarknetModel {
  graph: Graph;
  /** 'file' when trained weights were read; 'seeded' when the weights are deterministic noise. */
  weightsSource: 'file' | 'seeded';
  /** The parsed cfg. */
  cfg: DarknetCfg;
  /** For each darknet layer index, the graph node holding that layer's output. */
  layerNodes: number[];
  /** The .weights header, when a file was read. */
  header?: DarknetWeightsHeader;
}

export const DEFAULT_DARKNET_SEED = 0;

export function loadDarknet(o: LoadDarknetOptions): DarknetModel {
  const cfgName = o.cfgName ?? 'model.cfg';
  const cfg = parseDarknetCfg(o.cfg, cfgName);
  const convs = darknetConvShapes(cfg);
  const channels = darknetLayerChannels(cfg);

  const heads = cfg.layers.filter((l) => l.type === 'yolo');
  const classes = heads[0]?.classes;
  for (const head of heads) {
    if (head.classes !== classes) throw new Error(`${cfgName}:${head.line}: [yolo] layer ${head.index} has ${head.classes} classes, the first head ${classes}`);
  }
  if (o.classNames && classes !== undefined && o.classNames.length !== classes) {
    throw new Error(`${cfgName}: ${o.classNames.length} class names given for a model with ${classes} classes`);
  }

  let header: DarknetWeightsHeader | undefined;
  let convWeights: Array<{ weights: Float32Array; bias: Float32Array }>;
  if (o.weights) {
    const read = readDarknetWeights(o.weights, convs, { weightsName: o.weightsName ?? 'model.weights', cfgName });
    header = read.header;
    convWeights = read.params.map((p, k) => foldDarknetBatchNorm(p, `conv_${convs[k].layer.index}`));
  } else {
    convWeights = seededConvWeights(cfg, convs, channels, o.seed ?? DEFAULT_DARKNET_SEED);
  }

  const { graph, layerNodes } = buildDarknetGraph(cfg, convs, convWeights, o.classNames);
  return { graph, weightsSource: o.weights ? 'file' : 'seeded', cfg, layerNodes, header };
}

/** Whether a loaded model runs on seeded (untrained) weights: its detections mean nothing. */
export function hasSeededWeights(model: Pick<DarknetModel, 'weightsSource'>): boolean {
  return model.weightsSource === 'seeded';
}

