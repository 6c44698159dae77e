/**
 * Test helpers that produce Keras model files the way Keras 2 wrote them, from the Keras 3
 * fixtures: the config rewritten in Keras 2's form (list inbound nodes, alpha,
 * batch_input_shape) and a whole-model .h5 with `model_weights/<layer>/<layer>/kernel:0`.
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import h5wasm from 'h5wasm';
import type { JsonObject } from '../../src/loaders/keras/config.js';
import { parseKerasModelConfig } from '../../src/loaders/keras/config.js';
import { readHdf5 } from '../../src/loaders/keras/hdf5-file.js';
import { kerasV3Weights, type LayerWeights } from '../../src/loaders/keras/weights.js';

export const kerasFixture = (name: string) => new URL(`../../../../fixtures/keras/${name}`, import.meta.url).pathname;

/** config.json of a fixture's .keras archive, parsed, and its weights by layer name. */
export async function fixtureConfigAndWeights(name: string): Promise<{ config: JsonObject; weights: Map<string, LayerWeights> }> {
  const entries = unzipSync(new Uint8Array(readFileSync(kerasFixture(`${name}.keras`))));
  const config = JSON.parse(new TextDecoder().decode(entries['config.json'])) as JsonObject;
  const spec = parseKerasModelConfig(config, name);
  const weights = await readHdf5(entries['model.weights.h5'], name, (h5) => {
    const source = kerasV3Weights(h5, spec, name);
    return new Map(spec.layers.map((l) => [l.name, source(l)]));
  });
  return { config, weights };
}

interface Keras2Layer {
  class_name: string;
  name: string;
  config: JsonObject;
  inbound_nodes: unknown[];
}

/** A layer in Keras 2's config form. */
export function keras2Layer(className: string, name: string, config: JsonObject, inbound: string[]): Keras2Layer {
  return { class_name: className, name, config: { ...config, name }, inbound_nodes: inbound.length ? [inbound.map((n) => [n, 0, 0, {}])] : [] };
}

/** Rewrite a Keras 3 functional config in Keras 2's form. */
export function toKeras2Config(config: JsonObject): { class_name: string; config: { name: string; layers: Keras2Layer[]; input_layers: unknown[]; output_layers: unknown[] } } {
  const spec = parseKerasModelConfig(config, 'config');
  const layers = spec.layers.map((l) => {
    const c: JsonObject = { ...l.config };
    if (l.className === 'InputLayer') {
      c.batch_input_shape = c.batch_shape;
      delete c.batch_shape;
    }
    if (l.className === 'LeakyReLU') {
      c.alpha = c.negative_slope;
      delete c.negative_slope;
    }
    return keras2Layer(l.className, l.name, c, l.inbound);
  });
  return {
    class_name: 'Model',
    config: { name: spec.name, layers, input_layers: spec.inputs.map((n) => [n, 0, 0]), output_layers: spec.outputs.map((n) => [n, 0, 0]) },
  };
}

let counter = 0;

/** Write a Keras 2 whole-model .h5 (model_config + model_weights) and return its bytes. */
export async function writeKeras2H5(modelConfig: object, weights: Map<string, LayerWeights>, extraRootAttrs: Record<string, string> = {}): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const path = `/keras2-test-${++counter}.h5`;
  const file = new h5wasm.File(path, 'w');
  file.create_attribute('model_config', JSON.stringify(modelConfig));
  file.create_attribute('keras_version', '2.2.4');
  for (const [k, v] of Object.entries(extraRootAttrs)) file.create_attribute(k, v);
  const root = file.create_group('model_weights');
  for (const [layer, roles] of weights) {
    const group = root.create_group(layer);
    const names = [...roles.keys()].map((role) => `${layer}/${role}:0`);
    if (names.length) {
      group.create_attribute('weight_names', names);
      const inner = group.create_group(layer);
      for (const [role, array] of roles) inner.create_dataset({ name: `${role}:0`, data: array.data, shape: array.shape, dtype: '<f' });
    }
  }
  file.close();
  const bytes = FS.readFile(path) as Uint8Array;
  FS.unlink(path);
  return bytes;
}
