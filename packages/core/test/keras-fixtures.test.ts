import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceForward } from '../src/graph/reference-forward.js';
import type { Graph } from '../src/graph/types.js';
import { loadKeras, loadKerasArchive, loadKerasH5 } from '../src/loaders/keras/index.js';
import { readNpy } from './helpers/npy.js';

const fixture = (name: string) => new URL(`../../../fixtures/keras/${name}`, import.meta.url).pathname;
const bytesOf = (name: string) => new Uint8Array(readFileSync(fixture(name)));

const MODELS = [
  { name: 'keras-tiny-yolo3-w2-c2', heads: 2, classes: 2 },
  { name: 'keras-yolo3-w2-c3', heads: 3, classes: 3 },
];

/** Max abs difference over max |ref|. */
function relativeError(got: Float32Array, want: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

const sameValues = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe.each(MODELS)('Keras fixture $name', ({ name, heads, classes }) => {
  const loaders = { h5: () => loadKerasH5(bytesOf(`${name}.h5`), `${name}.h5`), keras: () => loadKerasArchive(bytesOf(`${name}.keras`), `${name}.keras`) };
  const graphs: Partial<Record<keyof typeof loaders, Graph>> = {};

  it.each(['h5', 'keras'] as const)('loads from .%s and reproduces the Keras heads', async (format) => {
    const { graph } = await loaders[format]();
    graphs[format] = graph;
    expect(graph.source).toBe('keras');
    expect(graph.heads).toHaveLength(heads);
    expect(graph.maxStride).toBe(32);
    const input = readNpy(fixture(`${name}.input.npy`));
    // The fixture input is one image [H, W, 3]; the graph takes a batch.
    const outputs = referenceForward(graph, { dims: [1, ...input.shape.slice(-3)], data: input.data });
    outputs.forEach((out, i) => {
      const ref = readNpy(fixture(`${name}.head${i}.npy`));
      expect(out.dims).toEqual([1, ...ref.shape.slice(-3)]);
      const head = graph.nodes[graph.heads[i]];
      expect(head.kind === 'yolo' && head.classes).toBe(classes);
      expect(relativeError(out.data, ref.data)).toBeLessThanOrEqual(1e-4);
    });
  });

  it('.h5 and .keras give identical graphs', async () => {
    const a = graphs.h5 ?? (await loaders.h5()).graph;
    const b = graphs.keras ?? (await loaders.keras()).graph;
    expect(b.nodes.map((n) => [n.kind, n.inputs])).toEqual(a.nodes.map((n) => [n.kind, n.inputs]));
    expect(b.heads).toEqual(a.heads);
    expect(b.inputSize).toEqual(a.inputSize);
    a.nodes.forEach((node, i) => {
      const other = b.nodes[i];
      if (node.kind === 'conv' && other.kind === 'conv') {
        expect([other.kernel, other.stride, other.pads, other.filters, other.channels]).toEqual([node.kernel, node.stride, node.pads, node.filters, node.channels]);
        // Element loops: toEqual on long typed arrays is slow.
        expect(sameValues(other.weights, node.weights)).toBe(true);
        expect(sameValues(other.bias, node.bias)).toBe(true);
      } else {
        expect(other).toEqual(node);
      }
    });
  });
});
