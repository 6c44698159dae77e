/**
 * Hostile inputs for the fuzz families, one generator per input family: each writes what it
 * made into the case's folder (or returns text) and says what it did. Shared by the in-process
 * families and the CLI families, so both see the same inputs.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { GRAPH_METADATA_KEY } from '@yolo-saliency/core/onnx';
import { encodeOnnxModel } from '../../packages/core/src/onnx/encode-model.js';
import type { OnnxAttributeValue, OnnxModel } from '../../packages/core/src/onnx/onnx-model.js';
import { writeKeras2H5 } from '../../packages/core/test/helpers/keras-files.js';
import { CFG, CFG_SOURCES, fflate, fixturePath, type Seeds } from './fixtures.js';
import { editGifHeader, editJpegHeader, editPngHeader, editTiffHeader, INTERESTING_INTS, INTERESTING_NUMBER_TEXTS, mutateBytes, mutateCfg, mutateJson, mutateNpy, mutateWeights, type Json, type Rng } from './mutate.js';

export interface MadeFile {
  path: string;
  what: string;
}

const write = (dir: string, name: string, bytes: Uint8Array | string): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

/** One value of a fast-check arbitrary for this case's seed. */
export const sampleOf = <T>(rng: Rng, arb: fc.Arbitrary<T>): T => fc.sample(arb, { seed: rng.seed(), numRuns: 1 })[0];

// ---------------------------------------------------------------------------------------------
// Images

/** SVG documents that ask too much: huge sizes, deep nesting, entity expansion, external files. */
function hostileSvg(rng: Rng, base: string): { text: string; what: string } {
  const choice = rng.int(7);
  const size = rng.pick(['100000', '0', '-5', '1e9', 'NaN', '16384', '50%', '1e-9', '99999999999999999999']);
  switch (choice) {
    case 0:
      return { text: base.replace('width="128" height="128"', `width="${size}" height="${rng.pick(['128', size])}"`), what: `svg size ${size}` };
    case 1:
      return { text: base.replace('viewBox="0 0 128 128"', `viewBox="0 0 ${size} ${size}"`), what: `svg viewBox ${size}` };
    case 2: {
      const depth = rng.pick([100, 1000, 5000]);
      return { text: base.replace('</svg>', `${'<g>'.repeat(depth)}<rect width="1" height="1"/>${'</g>'.repeat(depth)}</svg>`), what: `svg nested ${depth}` };
    }
    case 3: {
      const entities = ['<!ENTITY a "aaaaaaaaaa">', ...Array.from({ length: 8 }, (_, k) => `<!ENTITY ${String.fromCharCode(98 + k)} "${`&${String.fromCharCode(97 + k)};`.repeat(10)}">`)].join('');
      return { text: `<?xml version="1.0"?><!DOCTYPE svg [${entities}]>${base.replace('</svg>', '<text x="1" y="10">&i;</text></svg>')}`, what: 'svg entity expansion' };
    }
    case 4: {
      const href = rng.pick(['file:///dev/zero', '/dev/urandom', 'file:///etc/passwd', 'http://127.0.0.1:9/x.png', 'missing.png', 'data:image/png;base64,AAAA']);
      return { text: base.replace('</svg>', `<image href="${href}" xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="${href}" width="64" height="64"/></svg>`), what: `svg image href ${href}` };
    }
    case 5: {
      const n = rng.pick([1000, 20000]);
      return { text: base.replace('</svg>', `${'<circle cx="64" cy="64" r="60" filter="blur(5px)" fill="red" opacity="0.5"/>'.repeat(n)}</svg>`), what: `svg ${n} shapes` };
    }
    default:
      return { text: base.slice(0, rng.int(base.length)), what: 'svg truncated' };
  }
}

/** A mutated image file; `absurd` favours header edits that declare huge sizes (the memory budget). */
export function imageFile(rng: Rng, seeds: Seeds, dir: string, options: { absurd?: number } = {}): MadeFile {
  const seed = rng.weighted(seeds.images.map((s) => [s.ext === 'png' && s.name === 'shapes' ? 4 : s.ext === 'jpg' ? 2 : 1, s] as const));
  const ext = rng.chance(0.08) ? rng.pick(['png', 'jpg', 'npy', 'txt', 'webp', '']) : seed.ext;
  const name = `${seed.name}-${rng.int(1000)}${ext ? `.${ext}` : ''}`;
  if (seed.ext === 'svg') {
    const svg = rng.chance(0.6) ? hostileSvg(rng, seeds.svg) : { text: new TextDecoder().decode(mutateBytes(rng, seed.bytes).bytes), what: 'svg bytes' };
    return { path: write(dir, name, svg.text), what: `${seed.name}.svg: ${svg.what}` };
  }
  const absurd = options.absurd ?? 0.25;
  if (rng.chance(absurd)) {
    const edit = seed.ext === 'png' ? editPngHeader(rng, seed.bytes) : seed.ext === 'jpg' ? editJpegHeader(rng, seed.bytes) : seed.ext === 'gif' ? editGifHeader(rng, seed.bytes) : seed.ext === 'tiff' ? editTiffHeader(rng, seed.bytes) : undefined;
    if (edit) return { path: write(dir, name, edit.bytes), what: `${seed.name}.${seed.ext}: ${edit.what}` };
  }
  if (rng.chance(0.05)) return { path: write(dir, name, seed.bytes), what: `${seed.name}.${seed.ext} as .${ext}` };
  const { bytes, what } = mutateBytes(rng, seed.bytes, { region: seed.ext === 'jpg' ? 1024 : 256 });
  return { path: write(dir, name, bytes), what: `${seed.name}.${seed.ext}: ${what}` };
}

// ---------------------------------------------------------------------------------------------
// .npy

export function npyFile(rng: Rng, seeds: Seeds, dir: string): MadeFile {
  const name = `input-${rng.int(1000)}.npy`;
  if (rng.chance(0.2)) {
    const { bytes, what } = mutateBytes(rng, seeds.npy.bytes, { region: 128, regionBias: 0.8 });
    return { path: write(dir, name, bytes), what: `npy bytes: ${what}` };
  }
  const { bytes, what } = mutateNpy(rng, seeds.npy.dims, seeds.npy.data);
  return { path: write(dir, name, bytes), what: `npy: ${what}` };
}

// ---------------------------------------------------------------------------------------------
// darknet

export function cfgFile(rng: Rng, seeds: Seeds, dir: string): MadeFile & { source: string } {
  const source = rng.weighted(CFG_SOURCES);
  const text = seeds.cfgText(source);
  const name = `model-${rng.int(1000)}.cfg`;
  if (rng.chance(0.1)) {
    const { bytes, what } = mutateBytes(rng, new TextEncoder().encode(text), { region: 512 });
    return { path: write(dir, name, bytes), what: `${source} bytes: ${what}`, source };
  }
  const edited = mutateCfg(rng, text);
  return { path: write(dir, name, edited.text), what: `${source}: ${edited.what}`, source };
}

export function weightsFiles(rng: Rng, seeds: Seeds, dir: string): { cfg: string; weights: string; what: string } {
  const [cfg, weights] = rng.chance(0.75) ? [CFG.shapes, CFG.shapesWeights] : [CFG.fastest, CFG.fastestWeights];
  const mismatched = rng.chance(0.05);
  const useCfg = mismatched ? (cfg === CFG.shapes ? CFG.fastest : CFG.shapes) : cfg;
  const { bytes, what } = mutateWeights(rng, seeds.bytes(weights));
  return { cfg: fixturePath(useCfg), weights: write(dir, `model-${rng.int(1000)}.weights`, bytes), what: `${weights}${mismatched ? ` with ${useCfg}` : ''}: ${what}` };
}

// ---------------------------------------------------------------------------------------------
// Keras

const KERAS_FOCUS = /pool_size|strides|kernel_size|filters|size|alpha|negative_slope|padding|batch_input_shape|batch_shape|inbound_nodes|axis|epsilon|dilation_rate|groups|use_bias|activation|class_name|data_format|units|momentum/;

/** A whole-model .h5: its config edited (a valid HDF5 file), its weights edited, or its bytes corrupted. */
export async function h5File(rng: Rng, seeds: Seeds, dir: string): Promise<MadeFile & { corrupt: boolean }> {
  const seed = rng.pick(seeds.keras);
  const name = `${seed.name}-${rng.int(1000)}.h5`;
  const choice = rng.weighted([[4, 'config'], [2, 'weights'], [4, 'bytes']] as const);
  if (choice === 'bytes') {
    const { bytes, what } = mutateBytes(rng, seed.h5, { region: 8192, regionBias: 0.8, maxOps: 3 });
    return { path: write(dir, name, bytes), what: `${seed.name}.h5 bytes: ${what}`, corrupt: true };
  }
  let config = seed.keras2Config as Json;
  let weights = seed.weights;
  let what: string;
  if (choice === 'config') {
    const edited = mutateJson(rng, config, (p) => KERAS_FOCUS.test(p.join('.')));
    config = edited.value;
    what = edited.what;
  } else {
    weights = new Map([...seed.weights].map(([layer, roles]) => [layer, new Map(roles)]));
    const layers = [...weights.keys()].filter((l) => weights.get(l)!.size > 0);
    const layer = rng.pick(layers);
    const roles = weights.get(layer)!;
    const role = rng.pick([...roles.keys()]);
    const array = roles.get(role)!;
    const edit = rng.int(4);
    if (edit === 0) {
      const data = Float32Array.from(array.data);
      data[rng.int(data.length)] = rng.pick([Number.NaN, Infinity, 3.4e38]);
      roles.set(role, { shape: array.shape, data });
      what = `${layer}/${role}: an odd value`;
    } else if (edit === 1) {
      const shape = array.shape.slice();
      shape[rng.int(shape.length)] += rng.pick([1, -1]);
      const count = shape.reduce((a, b) => a * b, 1);
      roles.set(role, { shape, data: new Float32Array(Math.max(0, count)) });
      what = `${layer}/${role}: shape ${shape.join('x')}`;
    } else if (edit === 2) {
      roles.delete(role);
      what = `${layer}/${role}: missing`;
    } else {
      roles.set(`${role}_extra`, array);
      what = `${layer}: an extra weight`;
    }
  }
  const bytes = await writeKeras2H5(config as object, weights);
  return { path: write(dir, name, bytes), what: `${seed.name}.h5: ${what}`, corrupt: false };
}

/** A .keras archive: its config.json edited, its weights file corrupted, or the zip itself damaged. */
export function kerasFile(rng: Rng, seeds: Seeds, dir: string): MadeFile & { corrupt: boolean } {
  const seed = rng.pick(seeds.keras);
  const name = `${seed.name}-${rng.int(1000)}.keras`;
  const entries = fflate.unzipSync(seed.archive);
  const choice = rng.weighted([[5, 'config'], [2, 'weights'], [2, 'zip'], [1, 'entries']] as const);
  if (choice === 'zip') {
    const { bytes, what } = mutateBytes(rng, seed.archive, { regionBias: 0.3, maxOps: 3 });
    return { path: write(dir, name, bytes), what: `${seed.name}.keras zip bytes: ${what}`, corrupt: true };
  }
  if (choice === 'weights') {
    const { bytes, what } = mutateBytes(rng, entries['model.weights.h5'], { region: 8192, regionBias: 0.8, maxOps: 3 });
    return { path: write(dir, name, fflate.zipSync({ ...entries, 'model.weights.h5': bytes })), what: `${seed.name}.keras weights bytes: ${what}`, corrupt: true };
  }
  if (choice === 'entries') {
    const edit = rng.int(6);
    if (edit >= 4) {
      // Very long layer chains and deeply nested call arguments (the loader's walks must not recurse on them).
      const config = structuredClone(seed.keras3Config) as { config: { layers: Array<Record<string, unknown>>; output_layers: unknown[][] } };
      const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { keras_history: [name, 0, 0] } });
      let what: string;
      if (edit === 4) {
        const n = rng.pick([3000, 19000, 25000]);
        let previous = String(config.config.output_layers[0][0]);
        for (let k = 0; k < n; k++) {
          const name = `chain_${k}`;
          config.config.layers.push({ class_name: 'LeakyReLU', name, config: { name, negative_slope: 0.1 }, inbound_nodes: [{ args: [tensor(previous)], kwargs: {} }] });
          previous = name;
        }
        config.config.output_layers[0] = [previous, 0, 0];
        what = `a chain of ${n} layers`;
      } else {
        // Written as text: JSON.stringify itself recurses.
        const depth = rng.pick([100, 5000, 100000]);
        config.config.layers[1].inbound_nodes = [{ args: '@ARGS@', kwargs: {} }];
        what = `call arguments nested ${depth} deep`;
        const args = `${'['.repeat(depth)}${JSON.stringify(tensor(String(config.config.layers[0].name)))}${']'.repeat(depth)}`;
        const json = JSON.stringify(config).replace('"@ARGS@"', args);
        return { path: write(dir, name, fflate.zipSync({ ...entries, 'config.json': fflate.strToU8(json) }, { level: 1 })), what: `${seed.name}.keras ${what}`, corrupt: false };
      }
      const json = JSON.stringify(config);
      return { path: write(dir, name, fflate.zipSync({ ...entries, 'config.json': fflate.strToU8(json) }, { level: 1 })), what: `${seed.name}.keras ${what}`, corrupt: false };
    }
    const changed: Record<string, Uint8Array> =
      edit === 0 ? { 'model.weights.h5': entries['model.weights.h5'] }
      : edit === 1 ? { 'config.json': entries['config.json'] }
      : edit === 2 ? { ...entries, 'config.json': fflate.strToU8(rng.pick(['', '{}', '[]', 'null', '{"class_name": 5}', '{"config": {"layers": "x"}}', '{"a":'.repeat(100000)])) }
      : { ...entries, 'model.weights.h5': new Uint8Array(rng.pick([0, 8, 70 << 20])) };
    return { path: write(dir, name, fflate.zipSync(changed, { level: 1 })), what: `${seed.name}.keras entries edit ${edit}`, corrupt: false };
  }
  const edited = mutateJson(rng, seed.keras3Config as Json, (p) => KERAS_FOCUS.test(p.join('.')));
  return { path: write(dir, name, fflate.zipSync({ ...entries, 'config.json': fflate.strToU8(JSON.stringify(edited.value)) })), what: `${seed.name}.keras config: ${edited.what}`, corrupt: false };
}

// ---------------------------------------------------------------------------------------------
// ONNX

const OPS = ['Conv', 'MaxPool', 'LeakyRelu', 'Relu', 'Sigmoid', 'Mul', 'Add', 'Concat', 'Resize', 'Upsample', 'Identity', 'BatchNormalization', 'Pad', 'Split', 'Slice', 'AveragePool', 'GlobalAveragePool', 'Softmax', 'Mish', 'Tanh', 'Constant', 'Bogus', ''];
const ATTRIBUTES = ['dilations', 'group', 'auto_pad', 'ceil_mode', 'storage_order', 'axis', 'coordinate_transformation_mode', 'nearest_mode', 'mode', 'kernel_shape', 'strides', 'pads', 'alpha', 'epsilon', 'scales', 'split'];
const INT_LISTS = [[], [0], [0, 0], [1, 1], [2, 2], [-1, -1], [3, 3, 3], [1000, 1000], [129, 129], [128, 128], [5000, 5000, 5000, 5000], [1, 1, 1, 1], [0, 0, 0, 0], [2 ** 31 - 1, 1], [1, 0, 1, 0]];
const FLOATS = [Number.NaN, Infinity, -Infinity, -1, 0, 1e30, 1e-30, 0.1, 2, 3.4e38];
const STRINGS = ['SAME_UPPER', 'SAME_LOWER', 'VALID', 'NOTSET', 'nearest', 'linear', 'cubic', 'asymmetric', 'half_pixel', 'floor', 'bogus', '', '\x1b[31m'];

function randomAttribute(rng: Rng, current?: OnnxAttributeValue): OnnxAttributeValue {
  const type = current && current.type !== 'other' && current.type !== 'tensor' && rng.chance(0.8) ? current.type : rng.pick(['ints', 'int', 'float', 'floats', 'string'] as const);
  switch (type) {
    case 'ints':
      return { type, value: rng.pick(INT_LISTS) };
    case 'int':
      return { type, value: rng.pick(INTERESTING_INTS) };
    case 'float':
      return { type, value: rng.pick(FLOATS) };
    case 'floats':
      return { type, value: [rng.pick(FLOATS), rng.pick(FLOATS), rng.pick(FLOATS), rng.pick(FLOATS)] };
    default:
      return { type: 'string', value: rng.pick(STRINGS) };
  }
}

function mutateOnnxModel(rng: Rng, m: OnnxModel): string {
  const g = m.graph;
  const steps: string[] = [];
  const ops = rng.between(1, 3);
  for (let k = 0; k < ops; k++) {
    const choice = rng.weighted([[5, 'attribute'], [1, 'addAttribute'], [1, 'opType'], [2, 'inputs'], [2, 'initializer'], [1, 'graphInput'], [1, 'outputs'], [2, 'metadata'], [1, 'opset'], [1, 'nodes']] as const);
    const node = rng.pick(g.nodes);
    switch (choice) {
      case 'attribute': {
        const withAttributes = g.nodes.filter((n) => n.attributes.size > 0);
        const n = withAttributes.length ? rng.pick(withAttributes) : node;
        const names = [...n.attributes.keys()];
        if (!names.length) break;
        const name = rng.pick(names);
        const value = randomAttribute(rng, n.attributes.get(name));
        n.attributes.set(name, value);
        steps.push(`${n.opType} '${n.name}' ${name}=${JSON.stringify(value.type === 'other' ? '?' : (value as { value: unknown }).value)}`);
        break;
      }
      case 'addAttribute': {
        const name = rng.pick(ATTRIBUTES);
        node.attributes.set(name, randomAttribute(rng));
        steps.push(`${node.opType} '${node.name}' +${name}`);
        break;
      }
      case 'opType': {
        const op = rng.pick(OPS);
        steps.push(`'${node.name}' ${node.opType} -> ${op}`);
        node.opType = op;
        break;
      }
      case 'inputs': {
        const values = [...g.nodes.flatMap((n) => n.outputs), ...g.initializers.map((t) => t.name), ...g.inputs.map((i) => i.name), '', 'missing'];
        const edit = rng.int(3);
        if (edit === 0 && node.inputs.length) node.inputs[rng.int(node.inputs.length)] = rng.pick(values);
        else if (edit === 1) node.inputs.pop();
        else node.inputs.push(rng.pick(values));
        steps.push(`'${node.name}' inputs edit ${edit}`);
        break;
      }
      case 'initializer': {
        if (!g.initializers.length) break;
        const t = rng.pick(g.initializers);
        const edit = rng.int(5);
        if (edit === 0 && t.dims.length) t.dims[rng.int(t.dims.length)] = rng.pick([0, -1, 1, 2 ** 31 - 1, 100000, t.dims[0] + 1]);
        else if (edit === 1 && t.raw) t.raw = t.raw.subarray(0, rng.int(t.raw.length));
        else if (edit === 2) t.dataType = rng.pick([0, 7, 10, 11, 16, 99]);
        else if (edit === 3 && t.raw && t.raw.length >= 4) {
          const raw = Uint8Array.from(t.raw);
          new DataView(raw.buffer).setFloat32(4 * rng.int(raw.length >> 2), rng.pick(FLOATS), true);
          t.raw = raw;
        } else t.dims = rng.pick([[], [1], [0], [2 ** 20, 2 ** 20]]);
        steps.push(`initializer '${t.name}' edit ${edit}`);
        break;
      }
      case 'graphInput': {
        const input = g.inputs[0];
        if (!input) break;
        input.dims = rng.pick<Array<number | string | undefined> | undefined>([[1, 3, 0, 0], ['N', 3, 'H', 'W'], [1, 3, 100000, 100000], [1, 4, 128, 128], [], [1, 3, 127, 129], [1, 3, 8193, 8193], [1, 3, 32, 32], undefined]);
        if (rng.chance(0.2)) input.elemType = rng.pick([0, 7, 10, 11]);
        steps.push(`input dims ${JSON.stringify(input.dims)}`);
        break;
      }
      case 'outputs': {
        if (rng.chance(0.5)) g.outputs.pop();
        else if (g.outputs.length) g.outputs[rng.int(g.outputs.length)].name = rng.pick(['missing', g.nodes[0].outputs[0] ?? 'x']);
        steps.push('outputs edit');
        break;
      }
      case 'metadata': {
        const json = m.metadata.get(GRAPH_METADATA_KEY);
        let parsed: Json | undefined;
        try {
          parsed = json === undefined ? undefined : (JSON.parse(json) as Json);
        } catch {
          parsed = undefined; // an earlier step of this case cut it
        }
        if (json && parsed !== undefined && rng.chance(0.8)) {
          const edited = mutateJson(rng, parsed);
          m.metadata.set(GRAPH_METADATA_KEY, rng.chance(0.05) ? json.slice(0, rng.int(json.length)) : JSON.stringify(edited.value));
          steps.push(`metadata: ${edited.what}`);
        } else {
          m.metadata.set(rng.pick([GRAPH_METADATA_KEY, 'yolo_saliency.weights_source', 'yolo_saliency.outputs', 'other']), rng.pick(['', '{}', '[]', 'null', 'seeded', '{"heads": 5}', '\x1b[31m']));
          steps.push('metadata replaced');
        }
        break;
      }
      case 'opset': {
        m.opsets = [{ domain: rng.pick(['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft']), version: rng.pick([0, 1, 7, 11, 13, 18, 99, 2 ** 31 - 1]) }];
        steps.push(`opset ${JSON.stringify(m.opsets[0])}`);
        break;
      }
      case 'nodes': {
        const edit = rng.int(3);
        const i = rng.int(g.nodes.length);
        if (edit === 0) g.nodes.splice(i, 1);
        else if (edit === 1) g.nodes.splice(i, 0, { ...g.nodes[i], attributes: new Map(g.nodes[i].attributes) });
        else g.nodes.reverse();
        steps.push(`nodes edit ${edit}@${i}`);
        break;
      }
    }
  }
  return steps.join('; ');
}

/** A mutated .onnx file (structure-aware through our protobuf codec, or raw bytes), maybe with --anchors text. */
export function onnxFile(rng: Rng, seeds: Seeds, dir: string): MadeFile & { anchors?: string } {
  const seed = rng.weighted([[3, seeds.onnx[0]], [2, seeds.onnx[1]]] as const);
  const name = `${seed.name}-${rng.int(1000)}.onnx`;
  const anchors = seed.foreign && rng.chance(0.3) ? anchorsText(rng) : undefined;
  if (rng.chance(0.25)) {
    const { bytes, what } = mutateBytes(rng, seed.bytes, { regionBias: 0.2, maxOps: 3 });
    return { path: write(dir, name, bytes), what: `${seed.name}.onnx bytes: ${what}`, anchors };
  }
  const model = seed.model();
  const what = mutateOnnxModel(rng, model);
  let bytes: Uint8Array;
  try {
    bytes = encodeOnnxModel(model);
  } catch {
    bytes = mutateBytes(rng, seed.bytes).bytes;
  }
  return { path: write(dir, name, bytes), what: `${seed.name}.onnx: ${what}${anchors !== undefined ? ` anchors '${anchors.slice(0, 40)}'` : ''}`, anchors };
}

// ---------------------------------------------------------------------------------------------
// Text: class names, targets, anchors, option values

const oddText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('\u202e', '\x1b[31mred', '\0', '\t', '\uFEFF', '\u2028', 'a\rb', '%s%n', '../../etc/passwd', '"\'', '😀', 'é'.repeat(256), 'x'.repeat(257), 'x'.repeat(100_000)),
);

/** A .names file's text: names, blank lines, odd characters, mixed line ends, maybe a BOM. */
export function namesText(rng: Rng): string {
  const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('circle', 'square', 'triangle', 'cross', 'traffic light', 'dog', '  padded  ', '') }, { weight: 2, arbitrary: oddText });
  const count = rng.chance(0.5) ? 4 : rng.pick([0, 1, 3, 5, 80, 20000]);
  const names = sampleOf(rng, fc.array(name, { minLength: count, maxLength: count }));
  const sep = rng.pick(['\n', '\r\n', '\r', '\n\n']);
  return `${rng.chance(0.1) ? '\uFEFF' : ''}${names.join(sep)}${rng.chance(0.5) ? sep : ''}`;
}

const TARGET_NAMES = ['circle', 'square', 'triangle', 'cross', 'dog'];

/** A --target spec: grammar-shaped with bad parts, or any text. */
export function targetSpec(rng: Rng): string {
  const digits = fc.oneof({ weight: 5, arbitrary: fc.nat({ max: 20 }).map(String) }, { weight: 2, arbitrary: fc.constantFrom(...INTERESTING_NUMBER_TEXTS) }, { weight: 1, arbitrary: fc.nat().map(String) });
  const rawKey = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('scale', 'anchor', 'y', 'x', 'channel') }, { weight: 1, arbitrary: fc.constantFrom('bogus', '', 'Scale', ' x') });
  const rawTerm = fc.array(fc.tuple(rawKey, digits), { maxLength: 7 }).map((pairs) => `raw:${pairs.map(([k, v]) => `${k}=${v}`).join(',')}`);
  const className = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TARGET_NAMES) }, { weight: 1, arbitrary: oddText });
  const selector = fc.oneof(
    { weight: 3, arbitrary: fc.constant('top') },
    { weight: 3, arbitrary: digits.map((d) => `det:${d}`) },
    { weight: 3, arbitrary: className.map((n) => `class:${n}`) },
    { weight: 1, arbitrary: oddText },
  );
  const quantity = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('score', 'objectness', 'class', 'logit', 'x', 'y', 'w', 'h') }, { weight: 1, arbitrary: oddText });
  const term = fc.oneof(rawTerm, fc.tuple(selector, fc.option(quantity)).map(([s, q]) => (q === null ? s : `${s}/${q}`)));
  const ws = fc.constantFrom('', ' ', '  ', '\t');
  const spec = fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.array(term, { minLength: 1, maxLength: 4 }), ws).map(([ts, w]) => ts.join(`${w}+${w}`)) },
    { weight: 1, arbitrary: oddText },
    { weight: 1, arbitrary: fc.constantFrom('', '+', 'top+', '+top', 'top++top', 'top/', '/score', 'raw:', 'raw:scale=0,anchor=0,y=0,x=0,channel=4,channel=4', `${'top+'.repeat(5000)}top`) },
  );
  return sampleOf(rng, spec);
}

/** --anchors text: groups of w,h pairs, with odd numbers and separators. */
export function anchorsText(rng: Rng): string {
  const number = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 400 }).map(String) }, { weight: 2, arbitrary: fc.constantFrom(...INTERESTING_NUMBER_TEXTS) });
  const anchor = fc.oneof({ weight: 8, arbitrary: fc.tuple(number, number).map(([w, h]) => `${w},${h}`) }, { weight: 1, arbitrary: oddText });
  const group = fc.array(anchor, { minLength: 0, maxLength: rng.chance(0.05) ? 100 : 4 }).map((a) => a.join(' '));
  return sampleOf(rng, fc.tuple(fc.array(group, { minLength: 1, maxLength: 4 }), fc.constantFrom('; ', ';', ' | ', ';;')).map(([gs, sep]) => gs.join(sep)));
}

// ---------------------------------------------------------------------------------------------
// Special files

export type SpecialKind = 'fifo' | 'dev-zero' | 'dev-urandom' | 'dev-null' | 'folder' | 'dangling' | 'loop' | 'through-file' | 'proc' | 'sys' | 'empty' | 'sparse-over' | 'long-name' | 'odd-name' | 'socket';

export const SPECIAL_KINDS: SpecialKind[] = ['fifo', 'dev-zero', 'dev-urandom', 'dev-null', 'folder', 'dangling', 'loop', 'through-file', 'proc', 'sys', 'empty', 'sparse-over', 'long-name', 'odd-name', 'socket'];

/**
 * A path that is not an ordinary readable file of a reasonable size, with the extension a
 * reader expects (`ext`); `limit` is that kind's size limit (for the sparse file just over it).
 * `socket` is a link to a listening socket the test file made.
 */
export function specialPath(kind: SpecialKind, dir: string, ext: string, limit: number, socketPath?: string): string {
  const path = join(dir, `special.${ext}`);
  switch (kind) {
    case 'fifo':
      execFileSync('mkfifo', [path]);
      return path;
    case 'dev-zero':
      symlinkSync('/dev/zero', path);
      return path;
    case 'dev-urandom':
      symlinkSync('/dev/urandom', path);
      return path;
    case 'dev-null':
      symlinkSync('/dev/null', path);
      return path;
    case 'folder':
      mkdirSync(path);
      return path;
    case 'dangling':
      symlinkSync(join(dir, 'nowhere'), path);
      return path;
    case 'loop':
      symlinkSync(join(dir, `loop2.${ext}`), path);
      symlinkSync(path, join(dir, `loop2.${ext}`));
      return path;
    case 'through-file':
      writeFileSync(join(dir, 'plain'), 'x');
      return join(dir, 'plain', `x.${ext}`);
    case 'proc':
      symlinkSync('/proc/self/status', path);
      return path;
    case 'sys':
      symlinkSync('/sys/kernel/mm/transparent_hugepage/enabled', path);
      return path;
    case 'empty':
      writeFileSync(path, '');
      return path;
    case 'sparse-over': {
      const fd = openSync(path, 'w');
      ftruncateSync(fd, limit + 1);
      closeSync(fd);
      return path;
    }
    case 'long-name':
      return join(dir, `${'n'.repeat(300)}.${ext}`);
    case 'odd-name': {
      const odd = join(dir, `odd\x1b[31m\nname\u202e.${ext}`);
      writeFileSync(odd, 'not what it says');
      return odd;
    }
    case 'socket':
      symlinkSync(socketPath ?? '/nonexistent.sock', path);
      return path;
  }
}
