/**
 * Layer weights from the two HDF5 layouts Keras writes, keyed by role ('kernel', 'bias',
 * 'gamma', 'beta', 'moving_mean', 'moving_variance') so that graph building does not care
 * which layout they came from.
 */
import type { KerasLayer, KerasModelSpec } from './config.js';
import type { Hdf5Reader, StoredArray } from './hdf5-file.js';

export type LayerWeights = Map<string, StoredArray>;

/** Returns the weights of one layer (an empty map for layers without weights). */
export type WeightSource = (layer: KerasLayer) => LayerWeights;

/** HDF5 string-list attributes come back as a string, a string[] or an empty numeric array. */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map(String);
  return [];
}

/**
 * Whole-model .h5 (`model.save('x.h5')`, Keras 2 and Keras 3's legacy writer): each layer's
 * group lists its datasets in the `weight_names` attribute, e.g. `conv2d_1/kernel:0`
 * (Keras 2) or `conv2d_1/kernel` (Keras 3). The role is the last path part without `:0`.
 */
export function legacyH5Weights(h5: Hdf5Reader, where: string, root = 'model_weights'): WeightSource {
  return (layer) => {
    const group = `${root}/${layer.name}`;
    const weights: LayerWeights = new Map();
    for (const weightName of stringList(h5.attr(group, 'weight_names'))) {
      const array = h5.dataset(`${group}/${weightName}`);
      if (!array) throw new Error(`${where}: weight '${weightName}' of layer '${layer.name}' is missing`);
      const role = weightName.split('/').pop()!.replace(/:\d+$/, '');
      weights.set(role, array);
    }
    return weights;
  };
}

/** Keras's `naming.to_snake_case`, used to name a layer's folder in a .keras weights file. */
export function kerasSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The order in which a layer creates its variables (the `vars/0..` order of a .keras file). */
function variableRoles(layer: KerasLayer): string[] {
  const c = layer.config;
  switch (layer.className) {
    case 'Conv2D':
      return c.use_bias === false ? ['kernel'] : ['kernel', 'bias'];
    case 'BatchNormalization':
      return [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta']), 'moving_mean', 'moving_variance'];
    default:
      return [];
  }
}

/**
 * Keras 3 `.keras` weights (model.weights.h5): `layers/<folder>/vars/<i>`. Keras names the
 * folder after the layer's class, not its name (`conv2d`, `conv2d_1`, ... in model order);
 * newer files also store the layer name in the `vars` group's `name` attribute, which wins.
 */
export function kerasV3Weights(h5: Hdf5Reader, spec: KerasModelSpec, where: string): WeightSource {
  const folderByName = new Map<string, string>();
  for (const folder of h5.keys('layers')) {
    const name = h5.attr(`layers/${folder}/vars`, 'name');
    if (typeof name === 'string') folderByName.set(name, folder);
  }
  const classCounts = new Map<string, number>();
  const folderByClassOrder = new Map<string, string>();
  for (const layer of spec.layers) {
    const base = kerasSnakeCase(layer.className);
    const seen = classCounts.get(base);
    classCounts.set(base, (seen ?? -1) + 1);
    folderByClassOrder.set(layer.name, seen === undefined ? base : `${base}_${seen + 1}`);
  }

  return (layer) => {
    const weights: LayerWeights = new Map();
    const roles = variableRoles(layer);
    if (roles.length === 0) return weights;
    const folder = folderByName.get(layer.name) ?? folderByClassOrder.get(layer.name)!;
    const vars = h5.keys(`layers/${folder}/vars`).sort((a, b) => Number(a) - Number(b));
    if (vars.length !== roles.length) {
      throw new Error(`${where}: layer '${layer.name}' (${layer.className}) has ${vars.length} stored variables in 'layers/${folder}', expected ${roles.length}`);
    }
    roles.forEach((role, i) => weights.set(role, h5.dataset(`layers/${folder}/vars/${vars[i]}`)!));
    return weights;
  };
}
