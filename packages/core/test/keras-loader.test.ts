import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceForward } from '../src/graph/reference-forward.js';
import type { Graph, YoloNode } from '../src/graph/types.js';
import { buildKerasGraph, loadKeras, loadKerasH5, parseKerasModelConfig } from '../src/loaders/keras/index.js';
import type { JsonObject } from '../src/loaders/keras/config.js';
import { kerasV3Weights, type LayerWeights } from '../src/loaders/keras/weights.js';
import { readHdf5 } from '../src/loaders/keras/hdf5-file.js';
import { unzipSync } from 'fflate';
import { fixtureConfigAndWeights, keras2Layer, kerasFixture, toKeras2Config, writeKeras2H5 } from './helpers/keras-files.js';
import { readNpy } from './helpers/npy.js';

const TINY = 'keras-tiny-yolo3-w2-c2';
const bytesOf = (name: string) => new Uint8Array(readFileSync(kerasFixture(name)));

function headsMatchReference(graph: Graph, name: string): void {
  const input = readNpy(kerasFixture(`${name}.input.npy`));
  const outputs = referenceForward(graph, { dims: [1, ...input.shape.slice(-3)], data: input.data });
  outputs.forEach((out, i) => {
    const ref = readNpy(kerasFixture(`${name}.head${i}.npy`));
    let diff = 0;
    let scale = 0;
    ref.data.forEach((v, j) => {
      diff = Math.max(diff, Math.abs(out.data[j] - v));
      scale = Math.max(scale, Math.abs(v));
    });
    expect(diff / scale).toBeLessThanOrEqual(1e-4);
  });
}

describe('Keras loader: file handling', () => {
  it('a truncated .h5 fails with one line naming the file', async () => {
    const bytes = bytesOf(`${TINY}.h5`);
    const half = bytes.subarray(0, bytes.length >> 1);
    await expect(loadKerasH5(half, 'half.h5')).rejects.toThrow(/^half\.h5: truncated HDF5 file/);
    await expect(loadKeras(half, 'half.h5')).rejects.toThrow(/^half\.h5: /);
  });

  it('a file that is neither HDF5 nor zip is rejected by name', async () => {
    const junk = new TextEncoder().encode('this is not a model');
    await expect(loadKeras(junk, 'junk.bin')).rejects.toThrow(/^junk\.bin: not a Keras model/);
    await expect(loadKerasH5(junk, 'junk.h5')).rejects.toThrow(/^junk\.h5: not an HDF5 file/);
  });

  it('a damaged .keras zip is rejected by name', async () => {
    const bytes = bytesOf(`${TINY}.keras`).slice(0, 2000);
    await expect(loadKeras(bytes, 'cut.keras')).rejects.toThrow(/^cut\.keras: /);
  });

  it('loadKeras sniffs both formats', async () => {
    const fromH5 = await loadKeras(bytesOf(`${TINY}.h5`), 'a');
    const fromZip = await loadKeras(bytesOf(`${TINY}.keras`), 'b');
    expect(fromH5.graph.nodes.length).toBe(fromZip.graph.nodes.length);
    expect(fromH5.graph.heads).toHaveLength(2);
  });

  it('uses keras-yolo3 default anchors, the 416 default size for an open input shape, and overrides', async () => {
    const { graph } = await loadKeras(bytesOf(`${TINY}.h5`), 'tiny.h5');
    const heads = graph.heads.map((h) => graph.nodes[h] as YoloNode);
    expect(heads.map((h) => h.anchors)).toEqual([
      [[81, 82], [135, 169], [344, 319]],
      [[23, 27], [37, 58], [81, 82]],
    ]);
    expect(heads.map((h) => [h.name, h.classes])).toEqual([['conv2d_83_yolo', 2], ['conv2d_86_yolo', 2]]);
    expect(graph.inputSize).toEqual([416, 416]);
    const anchors: Array<Array<[number, number]>> = [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]];
    const custom = await loadKeras(bytesOf(`${TINY}.h5`), 'tiny.h5', { anchors, inputSize: [96, 128] });
    expect(custom.graph.heads.map((h) => (custom.graph.nodes[h] as YoloNode).anchors)).toEqual(anchors);
    expect(custom.graph.inputSize).toEqual([96, 128]);
  });

  it('the ZeroPadding2D + valid stride-2 conv becomes one conv with pads (1,0),(1,0)', async () => {
    const { graph } = await loadKeras(bytesOf('keras-yolo3-w2-c3.keras'), 'yolo3.keras');
    const strided = graph.nodes.filter((n) => n.kind === 'conv' && n.stride === 2);
    expect(strided).toHaveLength(5);
    for (const conv of strided) expect(conv.kind === 'conv' && conv.pads).toEqual({ top: 1, left: 1, bottom: 0, right: 0 });
    expect(graph.nodes.some((n) => n.name.startsWith('batch_normalization') || n.name.startsWith('zero_padding'))).toBe(false);
  });
});

describe('Keras loader: .keras weight folders', () => {
  it('without the vars name attribute, folders are found by class and model order', async () => {
    const name = 'keras-yolo3-w2-c3';
    const entries = unzipSync(bytesOf(`${name}.keras`));
    const spec = parseKerasModelConfig(new TextDecoder().decode(entries['config.json']), name);
    await readHdf5(entries['model.weights.h5'], name, (h5) => {
      const byAttr = kerasV3Weights(h5, spec, name);
      // Older Keras 3 files have no `name` attribute on `vars`.
      const byOrder = kerasV3Weights({ ...h5, attr: (path, attr) => (attr === 'name' ? undefined : h5.attr(path, attr)) }, spec, name);
      let checked = 0;
      for (const layer of spec.layers) {
        const a = byAttr(layer);
        const b = byOrder(layer);
        expect([...b.keys()]).toEqual([...a.keys()]);
        for (const [role, array] of a) {
          expect(b.get(role)!.shape).toEqual(array.shape);
          expect(b.get(role)!.data.every((v, i) => v === array.data[i])).toBe(true);
          checked++;
        }
      }
      expect(checked).toBe(75 + 72 * 4 + 3); // kernels, BN variables, the 3 head biases
    });
  });
});

describe('Keras loader: Keras 2 files and training models', () => {
  let config: JsonObject;
  let weights: Map<string, LayerWeights>;
  beforeAll(async () => {
    ({ config, weights } = await fixtureConfigAndWeights(TINY));
  });

  it('a Keras 2 .h5 (list inbound nodes, alpha, kernel:0 names) reproduces the Keras heads', async () => {
    const bytes = await writeKeras2H5(toKeras2Config(config), weights);
    const { graph } = await loadKerasH5(bytes, 'keras2.h5');
    headsMatchReference(graph, TINY);
  });

  it('a keras-yolo3 training model (y_true inputs, yolo_loss Lambda, custom loss) loads as its body', async () => {
    const k2 = toKeras2Config(config);
    const outputs = k2.config.output_layers.map((o) => (o as string[])[0]);
    const yTrue = outputs.map((_, i) => keras2Layer('InputLayer', `input_${i + 2}`, { batch_input_shape: [null, 3 * (i + 1), 3 * (i + 1), 3, 7] }, []));
    const loss = keras2Layer('Lambda', 'yolo_loss', { function: ['4wEAAAAAAAAA', null, null], output_shape: [1] }, [...outputs, ...yTrue.map((l) => l.name)]);
    k2.config.layers.push(...yTrue, loss);
    k2.config.input_layers = [k2.config.input_layers[0], ...yTrue.map((l) => [l.name, 0, 0])];
    k2.config.output_layers = [['yolo_loss', 0, 0]];
    const trainingConfig = JSON.stringify({ loss: { yolo_loss: '<lambda>' }, optimizer_config: { class_name: 'Adam', config: {} } });
    const bytes = await writeKeras2H5(k2, weights, { training_config: trainingConfig });
    const { graph } = await loadKerasH5(bytes, 'trained.h5');
    expect(graph.heads.map((h) => graph.nodes[h].name)).toEqual(outputs.map((o) => `${o}_yolo`));
    const dropped = new Set(['yolo_loss', ...yTrue.map((l) => l.name)]);
    expect(graph.nodes.filter((n) => dropped.has(n.name))).toEqual([]);
    expect(graph.nodes.filter((n) => n.kind === 'input').map((n) => n.name)).toEqual(['input_layer_1']);
    headsMatchReference(graph, TINY);
  });

  it('a Lambda inside the body is an error naming the layer', async () => {
    const k2 = toKeras2Config(config);
    const layers = k2.config.layers;
    const at = layers.findIndex((l) => l.name === 'max_pooling2d');
    // Re-route the first pool through a Lambda.
    layers.splice(at, 0, keras2Layer('Lambda', 'my_lambda', { function: ['x', null, null] }, [layers[at - 1].name]));
    layers[at + 1].inbound_nodes = [[['my_lambda', 0, 0, {}]]];
    const spec = parseKerasModelConfig(k2, 'lambda.h5');
    expect(() => buildKerasGraph(spec, (l) => weights.get(l.name) ?? new Map(), 'lambda.h5')).toThrow(/^lambda\.h5: layer 'my_lambda' is a Lambda inside the model body/);
  });

  it('an unsupported layer class names the layer and its class', () => {
    const edited = structuredClone(config) as { config: { layers: Array<{ class_name: string; name: string }> } };
    edited.config.layers.find((l) => l.name === 'up_sampling2d_2')!.class_name = 'Conv2DTranspose';
    const spec = parseKerasModelConfig(edited as unknown as JsonObject, 'odd.keras');
    expect(() => buildKerasGraph(spec, (l) => weights.get(l.name) ?? new Map(), 'odd.keras')).toThrow(
      "odd.keras: layer 'up_sampling2d_2' (Conv2DTranspose): unsupported layer class 'Conv2DTranspose'",
    );
  });

  it('batch norm that does not follow a conv, and padding that feeds a non-conv, are errors naming the layer', () => {
    const k2 = toKeras2Config(config);
    const layers = k2.config.layers;
    const bnAt = layers.findIndex((l) => l.name === 'batch_normalization_73');
    layers[bnAt].inbound_nodes = [[['max_pooling2d', 0, 0, {}]]]; // BN on a pool output
    layers[bnAt].config = { ...layers[bnAt].config, epsilon: 0.001 };
    const spec = parseKerasModelConfig(k2, 'bn.h5');
    expect(() => buildKerasGraph(spec, (l) => weights.get(l.name) ?? new Map(), 'bn.h5')).toThrow(/layer 'batch_normalization_73' \(BatchNormalization\): batch normalization must directly follow a Conv2D/);

    const k2b = toKeras2Config(config);
    const lb = k2b.config.layers;
    const poolAt = lb.findIndex((l) => l.name === 'max_pooling2d');
    lb.splice(poolAt, 0, keras2Layer('ZeroPadding2D', 'pad_before_pool', { padding: [[1, 0], [1, 0]] }, ['leaky_re_lu_72']));
    lb[poolAt + 1].inbound_nodes = [[['pad_before_pool', 0, 0, {}]]];
    const specB = parseKerasModelConfig(k2b, 'pad.h5');
    expect(() => buildKerasGraph(specB, (l) => weights.get(l.name) ?? new Map(), 'pad.h5')).toThrow(/^pad\.h5: ZeroPadding2D layer 'pad_before_pool' feeds 'max_pooling2d'/);
  });
});
