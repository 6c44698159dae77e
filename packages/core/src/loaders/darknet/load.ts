/**
 * Load a darknet model from bytes and strings (no file access, so it runs in a browser):
 * the .cfg text, optionally the .weights bytes and class names.
 */
import type { Graph } from '../../graph/types.js';
import { validateGraph } from '../../graph/validate.js';
import { foldDarknetBatchNorm } from './batch-norm.js';
import { checkFiniteFolded, checkFiniteParams, checkParameterBudget, weightsVersionWarning } from './check-weights.js';
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
  /** Names where the class names came from in messages (e.g. the .names file's name). */
  classNamesName?: string;
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
  /** What the user should know, one line each naming its file (e.g. an unknown .weights version). */
  warnings: string[];
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
    throw new Error(`${o.classNamesName ?? cfgName}: ${o.classNames.length} class names given for a model with ${classes} classes`);
  }
  // Before any weights are allocated (seeded) or read: a huge cfg is refused with its line.
  checkParameterBudget(convs, cfgName, !o.weights);

  let header: DarknetWeightsHeader | undefined;
  let convWeights: Array<{ weights: Float32Array; bias: Float32Array }>;
  const warnings: string[] = [];
  if (o.weights) {
    const names = { weightsName: o.weightsName ?? 'model.weights', cfgName };
    const read = readDarknetWeights(o.weights, convs, names);
    header = read.header;
    const versionWarning = weightsVersionWarning(header, names.weightsName);
    if (versionWarning) warnings.push(versionWarning);
    checkFiniteParams(read.params, convs, names);
    convWeights = read.params.map((p, k) => {
      let folded: { weights: Float32Array; bias: Float32Array };
      try {
        folded = foldDarknetBatchNorm(p, `conv_${convs[k].layer.index}`);
      } catch (error) {
        throw new Error(`${names.weightsName}: ${(error as Error).message}`, { cause: error });
      }
      checkFiniteFolded(folded, convs[k], names);
      return folded;
    });
  } else {
    convWeights = seededConvWeights(cfg, convs, channels, o.seed ?? DEFAULT_DARKNET_SEED);
  }

  const { graph, layerNodes } = buildDarknetGraph(cfg, convs, convWeights, o.classNames);
  try {
    validateGraph(graph);
  } catch (error) {
    throw new Error(`${cfgName}: ${(error as Error).message}`, { cause: error });
  }
  return { graph, weightsSource: o.weights ? 'file' : 'seeded', cfg, layerNodes, header, warnings };
}

/** Whether a loaded model runs on seeded (untrained) weights: its detections mean nothing. */
export function hasSeededWeights(model: Pick<DarknetModel, 'weightsSource'>): boolean {
  return model.weightsSource === 'seeded';
}

