/**
 * The model as darknet lists it when it loads a cfg: one row per darknet layer (numbered as
 * darknet numbers them), its output shape, and the floats its .weights entry holds. Beside core's
 * node table (graph/summary.ts), it lets a user check a model against darknet's own printout.
 */
import { inferShapes } from '../../graph/shapes.js';
import type { Shape3 } from '../../graph/types.js';
import { convStoredFloats, darknetConvShapes } from './layer-channels.js';
import type { DarknetModel } from './load.js';
import { sectionOf } from './sections/index.js';

export interface DarknetLayerRow {
  /** Darknet layer index (0 = the first block after [net]). */
  index: number;
  type: string;
  /** The block's settings in darknet's words. */
  details: string;
  /** [H, W, C] of the layer's output for one image. */
  outputShape: Shape3;
  /** Floats the layer's entry in a .weights file holds (convs; 0 elsewhere). */
  storedFloats: number;
}

export interface DarknetLayerTable {
  rows: DarknetLayerRow[];
  /** Bytes of a .weights file for this cfg: the 20-byte header (0.2+, 64-bit seen) and every conv's floats. */
  weightsBytes: number;
}

export function darknetLayerTable(model: Pick<DarknetModel, 'graph' | 'cfg' | 'layerNodes'>, inputSize: [number, number] = model.graph.inputSize): DarknetLayerTable {
  const shapes = inferShapes(model.graph, inputSize);
  const stored = new Map(darknetConvShapes(model.cfg).map((c) => [c.layer.index, convStoredFloats(c)]));
  const rows = model.cfg.layers.map((layer) => ({
    index: layer.index,
    type: layer.type,
    details: sectionOf(layer).describe(layer),
    outputShape: shapes[model.layerNodes[layer.index]],
    storedFloats: stored.get(layer.index) ?? 0,
  }));
  const floats = rows.reduce((sum, r) => sum + r.storedFloats, 0);
  return { rows, weightsBytes: 20 + 4 * floats };
}

/** Darknet's layout: "  12 conv 256 3x3/1 leaky      13 x  13 x 256   1,180,160". */
export function formatDarknetLayerTable(table: DarknetLayerTable): string {
  const cells = table.rows.map((r) => [String(r.index), r.details, `${r.outputShape[1]} x ${r.outputShape[0]} x ${r.outputShape[2]}`, r.storedFloats ? r.storedFloats.toLocaleString('en-US') : '']);
  const header = ['layer', 'block', 'output (w x h x c)', 'weights floats'];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 || c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), ...cells.map(line), `.weights size: ${table.weightsBytes.toLocaleString('en-US')} bytes (20-byte header)`].join('\n');
}
