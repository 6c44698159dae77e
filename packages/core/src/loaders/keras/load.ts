/**
 * Entry points: Keras models from bytes (browser and Node alike).
 *   .h5     whole-model HDF5: root attribute `model_config` + `model_weights/` (Keras 2, or
 *           Keras 3's legacy writer)
 *   .keras  Keras 3 zip: config.json + model.weights.h5
 */
import { unzipSync } from 'fflate';
import { GRAPH_LIMITS } from '../../graph/limits.js';
import type { Graph } from '../../graph/types.js';
import { validateGraph } from '../../graph/validate.js';
import { buildKerasGraph, type KerasLoadOptions } from './build-graph.js';
import { parseKerasModelConfig, type KerasModelSpec } from './config.js';
import { hdf5SignatureOffset, readHdf5 } from './hdf5-file.js';
import { kerasV3Weights, legacyH5Weights, type LayerWeights } from './weights.js';

export interface KerasModel {
  graph: Graph;
}

/**
 * Weights are read eagerly while the HDF5 file is open (it is released right after), so the
 * graph is built from a plain map of layer name -> weights.
 */
function readAllWeights(spec: KerasModelSpec, source: (layer: KerasModelSpec['layers'][number]) => LayerWeights): Map<string, LayerWeights> {
  return new Map(spec.layers.map((layer) => [layer.name, source(layer)]));
}

function fromMap(weights: Map<string, LayerWeights>) {
  return (layer: { name: string }) => weights.get(layer.name) ?? new Map();
}

/** A whole-model Keras .h5 file. */
export async function loadKerasH5(bytes: Uint8Array, fileName: string, options: KerasLoadOptions = {}): Promise<KerasModel> {
  const { spec, weights } = await readHdf5(bytes, fileName, (h5) => {
    const config = h5.attr('/', 'model_config');
    if (typeof config !== 'string') {
      throw new Error(`${fileName}: no 'model_config' attribute (a weights-only file? save the whole model with model.save())`);
    }
    const parsed = parseKerasModelConfig(config, fileName);
    return { spec: parsed, weights: readAllWeights(parsed, legacyH5Weights(h5, fileName)) };
  });
  return { graph: buildValidated(spec, weights, fileName, options) };
}

/** A Keras 3 `.keras` archive. */
export async function loadKerasArchive(bytes: Uint8Array, fileName: string, options: KerasLoadOptions = {}): Promise<KerasModel> {
  let entries: Record<string, Uint8Array>;
  // A zip entry can unpack to far more than the archive: refuse one larger than a model could be.
  const limit = Math.min(GRAPH_LIMITS.parameters * 4, Math.max(64 << 20, 8 * bytes.length));
  let tooLarge: { name: string; size: number } | undefined;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        const wanted = f.name === 'config.json' || f.name === 'model.weights.h5';
        if (wanted && !(f.originalSize <= limit)) tooLarge ??= { name: f.name, size: f.originalSize };
        return wanted && !tooLarge;
      },
    });
  } catch (e) {
    throw new Error(`${fileName}: not a readable .keras archive (${(e as Error).message})`);
  }
  if (tooLarge) {
    throw new Error(`${fileName}: the archive's ${tooLarge.name} would unpack to ${tooLarge.size} bytes, more than ${limit} for a ${bytes.length}-byte archive; the file is damaged or not a Keras model`);
  }
  const configBytes = entries['config.json'];
  const weightBytes = entries['model.weights.h5'];
  if (!configBytes) throw new Error(`${fileName}: the .keras archive has no config.json`);
  if (!weightBytes) throw new Error(`${fileName}: the .keras archive has no model.weights.h5`);
  const spec = parseKerasModelConfig(new TextDecoder().decode(configBytes), fileName);
  const where = `${fileName}/model.weights.h5`;
  const weights = await readHdf5(weightBytes, where, (h5) => readAllWeights(spec, kerasV3Weights(h5, spec, where)));
  return { graph: buildValidated(spec, weights, fileName, options) };
}

/**
 * Build the graph and check it (graph/validate.ts: NaN weights, absurd sizes); every error
 * names the file, the builder's own ones ("layer 'x' (maxpool): stride 0 ...") included.
 */
function buildValidated(spec: KerasModelSpec, weights: Map<string, LayerWeights>, fileName: string, options: KerasLoadOptions): Graph {
  try {
    const graph = buildKerasGraph(spec, fromMap(weights), fileName, options);
    validateGraph(graph);
    return graph;
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith(`${fileName}:`) || message.startsWith(`${fileName}/`)) throw error;
    throw new Error(`${fileName}: ${message}`, { cause: error });
  }
}

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

/** A Keras model, .h5 or .keras, told apart by content (HDF5 signature vs zip). */
export async function loadKeras(bytes: Uint8Array, fileName: string, options: KerasLoadOptions = {}): Promise<KerasModel> {
  if (ZIP_SIGNATURE.every((b, i) => bytes[i] === b)) return loadKerasArchive(bytes, fileName, options);
  if (hdf5SignatureOffset(bytes) >= 0) return loadKerasH5(bytes, fileName, options);
  throw new Error(`${fileName}: not a Keras model (neither an HDF5 .h5 file nor a .keras zip archive)`);
}
