/**
 * A layer table for a graph, like Keras' model.summary() or darknet's layer listing: one row
 * per node with its output shape at a given input size, its parameters and its settings.
 */
import { kindOf } from './node-kinds/index.js';
import { inferShapes, nodeParameterCount } from './shapes.js';
import type { Graph, GraphNode, Shape3 } from './types.js';

export interface SummaryRow {
  /** Node index in `graph.nodes`. */
  index: number;
  name: string;
  kind: GraphNode['kind'];
  /** Names of the input nodes. */
  inputs: string[];
  /** [H, W, C] for one image at the summary's input size. */
  outputShape: Shape3;
  parameters: number;
  /** The node's settings in a few words ("3x3/2 pads 1,1,1,1 16 filters", "leaky 0.1", "x2"). */
  details: string;
}

/** One row per node, at `inputSize` (default: the graph's own input size). */
export function summarizeGraph(graph: Graph, inputSize: [number, number] = graph.inputSize): SummaryRow[] {
  const shapes = inferShapes(graph, inputSize);
  return graph.nodes.map((node, index) => ({
    index,
    name: node.name,
    kind: node.kind,
    inputs: node.inputs.map((j) => graph.nodes[j].name),
    outputShape: shapes[index],
    parameters: nodeParameterCount(node),
    details: kindOf(node).details(node),
  }));
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** A plain-text table of the rows followed by totals (parameters, convs, input, heads). */
export function formatSummary(rows: SummaryRow[], graph: Graph): string {
  const header = ['#', 'name', 'kind', 'output', 'params', 'inputs', 'details'];
  const cells = rows.map((r) => [
    String(r.index),
    r.name,
    r.kind,
    r.outputShape.join('x'),
    r.parameters ? thousands(r.parameters) : '0',
    r.inputs.join(', '),
    r.details,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  // Numbers read best right-aligned; the last column is not padded, to avoid trailing spaces.
  const rightAligned = new Set([0, 4]);
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c === row.length - 1 ? cell : rightAligned.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((sum, w) => sum + w + 2, -2));

  const total = rows.reduce((sum, r) => sum + r.parameters, 0);
  const convs = rows.filter((r) => r.kind === 'conv').length;
  const input = rows[0]?.outputShape;
  const heads = graph.heads.map((h) => `${graph.nodes[h].name} ${rows[h].outputShape.join('x')}`).join(', ');
  return [
    line(header),
    rule,
    ...cells.map(line),
    rule,
    `Total parameters: ${thousands(total)} (batch norm folded)`,
    `Layers: ${rows.length} nodes, ${convs} convolutions`,
    `Input: ${input ? input.join('x') : '?'}  Heads: ${heads}`,
    `Classes: ${graph.classNames.length}  Source: ${graph.source}`,
  ].join('\n');
}
