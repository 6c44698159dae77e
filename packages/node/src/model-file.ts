import { basename, extname } from 'node:path';
import { assumedAnchorsWarning, loadDarknet, loadKeras, parseNames, type DarknetModel } from '@yolo-saliency/core/loaders';
import { GRAPH_METADATA_KEY, importOnnx, WEIGHTS_SOURCE_METADATA_KEY } from '@yolo-saliency/core/onnx';
import type { Graph } from '@yolo-saliency/core';
import { fileError, fileLabel, messageOf, withFileName } from './file-errors.js';
import { readInputFile, type InputFileKind } from './input-file.js';

export interface ModelFileOptions {
  /** Darknet .weights file for a .cfg; without it the weights are seeded (untrained). */
  weights?: string;
  /** Class names file (one per line, darknet .names style). */
  names?: string;
  /** Seed for seeded weights (default: the loader's). */
  seed?: number;
  /**
   * Anchors per head ([w, h] in input pixels, head order) for a model that does not carry
   * them (a Keras file, an ONNX file without our metadata); default: keras-yolo3's.
   */
  anchors?: Array<Array<[number, number]>>;
  /** Raise (or lower) the size limits of INPUT_FILE_LIMITS for this load, in bytes. */
  limits?: Partial<Record<InputFileKind, number>>;
}

export type WeightsSource = 'file' | 'seeded';

export interface ModelFile {
  graph: Graph;
  /** One line for people: file, format, heads, classes, input size, where the weights came from. */
  description: string;
  /** 'seeded' means the weights are random: the model detects nothing real. */
  weightsSource: WeightsSource;
  /**
   * Things the user should know that did not stop the load, one line each, naming the file
   * (an unknown .weights version, anchors that were assumed). Apps print them as warnings.
   */
  warnings: string[];
  /** For a darknet model: its parsed cfg and, per darknet layer, the graph node holding its output (darknet's layer table). */
  darknet?: Pick<DarknetModel, 'cfg' | 'layerNodes'>;
}

const FORMATS: Record<string, string> = { '.cfg': 'darknet', '.h5': 'keras', '.keras': 'keras', '.onnx': 'onnx' };

/**
 * Load a model from files by the model path's extension: `.cfg` (+ optional `.weights`),
 * `.h5`, `.keras` or `.onnx`. Every error names the file it is about.
 */
export async function loadModelFile(path: string, options: ModelFileOptions = {}): Promise<ModelFile> {
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) {
    throw fileError(path, `unknown model format '${extname(path) || '(no extension)'}' (expected ${Object.keys(FORMATS).join(', ')})`);
  }
  if (format !== 'darknet' && options.weights) {
    throw fileError(options.weights, `--weights applies to darknet .cfg models; ${basename(path)} carries its own weights`);
  }
  if (format === 'darknet' && options.anchors) {
    throw fileError(path, '--anchors applies to Keras and ONNX models without anchors; a darknet .cfg carries its own');
  }
  const limits = options.limits ?? {};
  const read = (file: string, kind: InputFileKind) => readInputFile(file, kind, { maxBytes: limits[kind] });
  const classNames = options.names ? await readNames(options.names, read) : undefined;
  const modelBytes = await read(path, format === 'darknet' ? 'cfg' : 'model');
  let graph: Graph;
  let weightsSource: WeightsSource;
  let darknet: ModelFile['darknet'];
  const warnings: string[] = [];
  if (format === 'darknet') {
    const weightsBytes = options.weights ? await read(options.weights, 'weights') : undefined;
    try {
      const loaded = loadDarknet({
        cfg: decodeText(modelBytes),
        // The loaders put these names in their messages: escaped here as every file name in
        // a message is (fileLabel), so a name with a line break or an escape sequence reads
        // the same in every message and the checks below recognise it.
        cfgName: fileLabel(basename(path)),
        weights: weightsBytes,
        weightsName: options.weights ? fileLabel(basename(options.weights)) : undefined,
        seed: options.seed,
      });
      graph = loaded.graph;
      weightsSource = loaded.weightsSource;
      darknet = { cfg: loaded.cfg, layerNodes: loaded.layerNodes };
      warnings.push(...loaded.warnings);
    } catch (error) {
      // A weights problem names the weights file first; anything else is about the cfg.
      throw withFileName(error, options.weights && messageOf(error).startsWith(`${fileLabel(basename(options.weights))}:`) ? options.weights : path);
    }
  } else if (format === 'onnx') {
    let metadata: Map<string, string>;
    try {
      const imported = importOnnx(modelBytes, fileLabel(basename(path)), { anchors: options.anchors });
      ({ graph, metadata } = imported);
      warnings.push(...imported.warnings);
      if (options.anchors && metadata.has(GRAPH_METADATA_KEY)) warnings.push(`${fileLabel(basename(path))}: the file carries its own anchors; the anchors given were not used`);
    } catch (error) {
      throw withFileName(error, path);
    }
    // A model converted from seeded weights is still untrained: keep saying so.
    weightsSource = metadata.get(WEIGHTS_SOURCE_METADATA_KEY) === 'seeded' ? 'seeded' : 'file';
  } else {
    try {
      graph = (await loadKeras(modelBytes, basename(path), { anchors: options.anchors })).graph;
    } catch (error) {
      throw withFileName(error, path);
    }
    weightsSource = 'file';
    // Keras files never carry anchors: without --anchors keras-yolo3's were assumed, as for a foreign ONNX file.
    if (!options.anchors) warnings.push(`${fileLabel(basename(path))}: ${assumedAnchorsWarning(graph)}`);
  }
  if (options.anchors && format !== 'darknet' && options.anchors.length !== graph.heads.length) {
    throw fileError(path, `${options.anchors.length} groups of anchors given for a model with ${graph.heads.length} heads`);
  }
  if (classNames) graph = withClassNames(graph, classNames, options.names!);
  return { graph, weightsSource, warnings, description: describeModel(path, graph, weightsSource), ...(darknet ? { darknet } : {}) };
}

function withClassNames(graph: Graph, names: string[], file: string): Graph {
  const classes = graph.classNames.length;
  if (names.length !== classes) throw fileError(file, `${names.length} class names, but the model has ${classes} classes`);
  return { ...graph, classNames: names };
}

/** Text files as UTF-8; a byte sequence that is not UTF-8 becomes U+FFFD, never an exception. */
function decodeText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

async function readNames(path: string, read: (file: string, kind: InputFileKind) => Promise<Uint8Array>): Promise<string[]> {
  const text = decodeText(await read(path, 'names'));
  try {
    return parseNames(text);
  } catch (error) {
    throw withFileName(error, path);
  }
}

export function describeModel(path: string, graph: Graph, weightsSource: WeightsSource): string {
  const heads = graph.heads.length;
  const classes = graph.classNames.length;
  const [h, w] = graph.inputSize;
  const weights = weightsSource === 'seeded' ? 'seeded random weights (UNTRAINED: detections are meaningless)' : 'trained weights from file';
  return `${basename(path)} (${graph.source}, ${graph.nodes.length} layers, ${heads} heads, ${classes} classes, input ${w}x${h}), ${weights}`;
}
