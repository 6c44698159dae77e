import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatSummary, summarizeGraph } from '../src/graph/summary.js';
import { loadDarknet } from '../src/loaders/darknet/index.js';

const tinyCfg = readFileSync(new URL('../../../fixtures/darknet/yolov3-tiny.cfg', import.meta.url), 'utf8');

describe('summarizeGraph', () => {
  const { graph, layerNodes } = loadDarknet({ cfg: tinyCfg });
  const rows = summarizeGraph(graph);
  const row = (name: string) => rows.find((r) => r.name === name)!;

  it('has one row per node with its shape, parameters and settings', () => {
    expect(rows).toHaveLength(graph.nodes.length);
    expect(rows.map((r) => r.index)).toEqual(graph.nodes.map((_, i) => i));
    expect(rows[0]).toEqual({ index: 0, name: 'input', kind: 'input', inputs: [], outputShape: [416, 416, 3], parameters: 0, details: '3 channels' });
    expect(row('conv_0')).toMatchObject({ kind: 'conv', inputs: ['input'], outputShape: [416, 416, 16], parameters: 16 * 3 * 9 + 16, details: '3x3/1 pads 1,1,1,1 16 filters' });
    expect(row('leaky_0')).toMatchObject({ inputs: ['conv_0'], parameters: 0, details: 'leaky 0.1' });
    expect(row('maxpool_1')).toMatchObject({ outputShape: [208, 208, 16], details: '2x2/2 pads 0,0,1,1' });
    expect(row('maxpool_11')).toMatchObject({ outputShape: [13, 13, 512], details: '2x2/1 pads 0,0,1,1' });
    expect(row('conv_13')).toMatchObject({ parameters: 256 * 1024 + 256, details: '1x1/1 pads 0,0,0,0 256 filters' });
    expect(row('upsample_19')).toMatchObject({ outputShape: [26, 26, 128], details: 'x2' });
    expect(row('route_20')).toMatchObject({ inputs: ['upsample_19', 'leaky_8'], outputShape: [26, 26, 384], details: '2 inputs' });
    expect(row('yolo_16')).toMatchObject({ outputShape: [13, 13, 255], details: 'anchors 81,82 135,169 344,319; 80 classes' });
    // Rows agree with the darknet layer mapping.
    expect(rows[layerNodes[20]].name).toBe('route_20');
  });

  it('totals the parameters of the graph and follows the input size', () => {
    const total = rows.reduce((s, r) => s + r.parameters, 0);
    const direct = graph.nodes.reduce((s, n) => s + (n.kind === 'conv' ? n.weights.length + n.bias.length : 0), 0);
    expect(total).toBe(direct);
    expect(total).toBe(8_849_182);
    const small = summarizeGraph(graph, [320, 320]);
    expect(small.find((r) => r.name === 'yolo_16')!.outputShape).toEqual([10, 10, 255]);
    expect(small.find((r) => r.name === 'yolo_23')!.outputShape).toEqual([20, 20, 255]);
  });

  it('formats a table with a line per row and the totals', () => {
    const text = formatSummary(rows, graph);
    const lines = text.split('\n');
    expect(lines).toHaveLength(2 + rows.length + 5);
    expect(lines[0]).toMatch(/^\s*#\s+name\s+kind\s+output\s+params\s+inputs\s+details$/);
    expect(lines.find((l) => /\bconv_0\b/.test(l) && !/leaky/.test(l))).toMatch(/conv_0\s+conv\s+416x416x16\s+448\s+input\s+3x3\/1 pads 1,1,1,1 16 filters$/);
    expect(text).toContain('Total parameters: 8,849,182 (batch norm folded)');
    expect(text).toContain(`Layers: ${rows.length} nodes, 13 convolutions`);
    expect(text).toContain('Heads: yolo_16 13x13x255, yolo_23 26x26x255');
    expect(lines.every((l) => l === l.trimEnd())).toBe(true);
  });
});
