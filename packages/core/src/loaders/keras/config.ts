/**
 * The Keras functional-model config (`model_config` in .h5, config.json in .keras) reduced to
 * what building a graph needs: layers in saved (topological) order with the names of the
 * layers feeding each one. Both inbound-node forms are read: Keras 2 lists
 * `[[[name, nodeIndex, tensorIndex, kwargs], ...]]` and Keras 3 dicts
 * `{args: [{class_name: '__keras_tensor__', config: {keras_history: [name, 0, 0]}}]}`.
 */

import { GRAPH_LIMITS } from '../../graph/limits.js';
import { printable } from '../../util/printable.js';

export type JsonObject = Record<string, unknown>;

export interface KerasLayer {
  name: string;
  className: string;
  config: JsonObject;
  /** Names of the layers whose outputs this layer consumes, in argument order. */
  inbound: string[];
}

export interface KerasModelSpec {
  name: string;
  layers: KerasLayer[];
  /** Names of the model's input layers, in order. */
  inputs: string[];
  /** Names of the layers whose outputs are the model's outputs, in Keras output order. */
  outputs: string[];
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A config value as a message quotes it: text escaped and cut, anything else as short JSON (never '[object Object]'). */
export function configValueText(value: unknown, max = 80): string {
  if (typeof value === 'string') return printable(value, max);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return printable(json ?? String(value), max);
}

/** Call arguments nest tensors in lists; deeper than this is not a Keras file (and would overflow the stack). */
const MAX_ARGUMENT_DEPTH = 64;

/** Every keras_history name inside a Keras 3 call argument (tensors may be nested in lists). */
function kerasTensorNames(arg: unknown, out: string[], where: string, depth = 0): void {
  if (depth > MAX_ARGUMENT_DEPTH) throw new Error(`${where}: a layer's call arguments are nested more than ${MAX_ARGUMENT_DEPTH} deep`);
  if (Array.isArray(arg)) {
    for (const a of arg) kerasTensorNames(a, out, where, depth + 1);
  } else if (isObject(arg) && arg.class_name === '__keras_tensor__' && isObject(arg.config)) {
    const history = arg.config.keras_history;
    if (Array.isArray(history) && typeof history[0] === 'string') out.push(history[0]);
  }
}

function inboundNames(layerName: string, inboundNodes: unknown, where: string): string[] {
  if (inboundNodes === undefined || inboundNodes === null) return [];
  if (!Array.isArray(inboundNodes)) throw new Error(`${where}: layer '${layerName}' has malformed inbound_nodes`);
  if (inboundNodes.length > 1) {
    throw new Error(`${where}: layer '${layerName}' is called ${inboundNodes.length} times (shared layers are not supported)`);
  }
  const node = inboundNodes[0];
  if (node === undefined) return [];
  const names: string[] = [];
  if (Array.isArray(node)) {
    // Keras 2: [[name, nodeIndex, tensorIndex, kwargs], ...]
    for (const entry of node) {
      if (Array.isArray(entry) && typeof entry[0] === 'string') names.push(entry[0]);
    }
  } else if (isObject(node)) {
    kerasTensorNames(node.args, names, `${where}: layer '${layerName}'`);
  }
  return names;
}

/** `[name, 0, 0]` or `[[name, 0, 0], ...]` (Keras writes a single input/output either way). */
function endpointNames(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) return [];
  if (typeof value[0] === 'string') return [value[0]];
  return value.flatMap((v) => (Array.isArray(v) && typeof v[0] === 'string' ? [v[0]] : []));
}

/** Parse a model config (JSON text or an already-parsed object). `where` names the file for messages. */
export function parseKerasModelConfig(json: string | JsonObject, where: string): KerasModelSpec {
  let root: unknown;
  try {
    root = typeof json === 'string' ? JSON.parse(json) : json;
  } catch (error) {
    // V8 ends most parse messages with "... is not valid JSON": keep only what and where.
    const detail = printable((error as Error).message.replace(/ is not valid JSON$/, ''), 120);
    throw new Error(`${where}: the model config is not valid JSON (${detail}): the file is damaged or was not written by Keras`);
  }
  if (!isObject(root) || !isObject(root.config)) throw new Error(`${where}: the model config has no 'config' object`);
  const className = configValueText(root.class_name);
  if (className === 'Sequential') {
    throw new Error(`${where}: Sequential models are not supported (keras-yolo3 models are functional)`);
  }
  if (className !== 'Functional' && className !== 'Model') {
    throw new Error(`${where}: unsupported model class '${className}' (expected a functional Model)`);
  }
  const config = root.config;
  if (!Array.isArray(config.layers)) throw new Error(`${where}: the model config has no layer list`);
  if (config.layers.length > GRAPH_LIMITS.nodes) throw new Error(`${where}: the model config has ${config.layers.length} layers, more than ${GRAPH_LIMITS.nodes}`);
  const layers: KerasLayer[] = config.layers.map((raw: unknown, i: number) => {
    if (!isObject(raw) || !isObject(raw.config)) throw new Error(`${where}: layer #${i} in the model config is malformed`);
    const name = raw.name ?? raw.config.name;
    if (typeof name !== 'string' || name === '') throw new Error(`${where}: layer #${i} in the model config has no name (${configValueText(name)})`);
    if (typeof raw.class_name !== 'string') throw new Error(`${where}: layer '${name}' has no class_name (${configValueText(raw.class_name)})`);
    return { name, className: raw.class_name, config: raw.config, inbound: inboundNames(name, raw.inbound_nodes, where) };
  });
  return { name: typeof config.name === 'string' ? config.name : 'model', layers, inputs: endpointNames(config.input_layers), outputs: endpointNames(config.output_layers) };
}
