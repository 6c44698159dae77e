import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { loadDarknet, loadKeras, parseNames } from '@yolo-saliency/core/loaders';
import { importOnnx, WEIGHTS_SOURCE_METADATA_KEY } from '@yolo-saliency/core/onnx';
import type { Graph } from '@yolo-saliency/core';
import { fileError, messageOf, withFileName } from './file-errors.js';

export interface ModelFileOptions {
  /** Darknet .weights file for a .cfg; without it the weights are seeded (untrained). */
  weights?: string;
  /** Class names file (one per line, darknet .names style). */
  names?: string;
  /** Seed for seeded weights (default: the loader's). */
  seed?: number;
}

export type WeightsSource = 'file' | 'seeded';

export interface ModelFile {
  graph: Graph;
  /** One line for people: file, format, heads, classes, input size, where the weights came from. */
  description: string;
  /** 'seeded' means the weights are random: the model detects nothing real. */
  weightsSource: WeightsSource;
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
  const classNames = options.names ? await readNames(options.names) : undefined;
  const modelBytes = await readInput(path);
  let graph: Graph;
  let weightsSource: WeightsSource;
  if (format === 'darknet') {
    const weightsBytes = options.weights ? await readInput(options.weights) : undefined;
    try {
      const loaded = loadDarknet({
        cfg: new TextDecoder().decode(modelBytes),
        cfgName: basename(path),
        weights: weightsBytes,
        weightsName: options.weights ? basename(options.weights) : undefined,
        classNames,
        seed: options.seed,
      });
      graph = loaded.graph;
      weightsSource = loaded.weightsSource;
    } catch (error) {
      // A weights problem already names the weights file; anything else is about the cfg.
      throw withFileName(error, options.weights && messageOf(error).includes(basename(options.weights)) ? options.weights : path);
    }
  } else if (format === 'onnx') {
    let metadata: Map<string, string>;
    try {
      ({ graph, metadata } = importOnnx(modelBytes, basename(path)));
    } catch (error) {
      throw withFileName(error, path);
    }
    if (classNames) graph = withClassNames(graph, classNames, options.names!);
    // A model converted from seeded weights is still untrained: keep saying so.
    weightsSource = metadata.get(WEIGHTS_SOURCE_METADATA_KEY) === 'seeded' ? 'seeded' : 'file';
  } else {
    try {
      graph = (await loadKeras(modelBytes, basename(path))).graph;
    } catch (error) {
      throw withFileName(error, path);
    }
    if (classNames) graph = withClassNames(graph, classNames, options.names!);
    weightsSource = 'file';
  }
  return { graph, weightsSource, description: describeModel(path, graph, weightsSource) };
}

function withClassNames(graph: Graph, names: string[], file: string): Graph {
  const classes = graph.classNames.length;
  if (names.length !== classes) throw fileError(file, `${names.length} class names, but the model has ${classes} classes`);
  return { ...graph, classNames: names };
}

async function readNames(path: string): Promise<string[]> {
  const text = new TextDecoder().decode(await readInput(path));
  try {
    return parseNames(text);
  } catch (error) {
    throw withFileName(error, path);
  }
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(path);
    if (bytes.length === 0) throw fileError(path, 'empty file (0 bytes)');
    return bytes;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fileError(path, 'file not found');
    if (code === 'EISDIR') throw fileError(path, 'is a folder, not a file');
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
