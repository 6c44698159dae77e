/** Copies of a graph with some conv layers re-initialised (for the randomisation check). */
import type { ConvNode, Graph } from '../graph/types.js';
import { createSeededRandom } from '../util/random.js';

/** Indices of the conv nodes, from the top (output side) down: reverse topological order. */
export function convsFromTop(graph: Graph): number[] {
  return graph.nodes.flatMap((n, i) => (n.kind === 'conv' ? [i] : [])).reverse();
}

function std(values: Float32Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length || 1;
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return Math.sqrt(sq / (values.length || 1));
}

/**
 * A copy of `graph` (nodes shallow-copied, untouched weights shared) where the given conv
 * nodes get new weights and biases drawn from N(0, std of the original layer's weights)
 * and N(0, std of its biases): same scale as the trained layer, none of its structure.
 * Seeded per layer (seed + node index), so layer L's new weights do not depend on how many
 * other layers are re-initialised: the cascade stays nested.
 */
export function randomizeConvs(graph: Graph, nodeIndices: readonly number[], seed = 0): Graph {
  const chosen = new Set(nodeIndices);
  for (const i of chosen) {
    if (graph.nodes[i]?.kind !== 'conv') throw new Error(`randomizeConvs: node ${i} (${graph.nodes[i]?.name ?? 'missing'}) is not a conv layer`);
  }
  const nodes = graph.nodes.map((node, i) => {
    if (!chosen.has(i)) return { ...node };
    const conv = node as ConvNode;
    const random = createSeededRandom(seed * 100_003 + i);
    const ws = std(conv.weights);
    const bs = std(conv.bias);
    return {
      ...conv,
      weights: Float32Array.from(conv.weights, () => random.normal() * ws),
      bias: Float32Array.from(conv.bias, () => random.normal() * bs),
    };
  });
  return { ...graph, nodes, heads: [...graph.heads] };
}
