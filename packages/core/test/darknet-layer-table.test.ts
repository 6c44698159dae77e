/** The darknet layer table: one row per darknet layer, and the .weights size darknet expects. */
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { darknetLayerTable, formatDarknetLayerTable, loadDarknet, parseNames } from '../src/loaders/darknet/index.js';

const fixture = (p: string) => new URL(`../../../fixtures/${p}`, import.meta.url).pathname;

describe('darknetLayerTable', () => {
  it('lists Yolo-Fastest-1.1-xl as darknet numbers its layers, and expects exactly the real weights file size', () => {
    const weightsPath = fixture('yolo-fastest/yolo-fastest-1.1-xl.weights');
    const model = loadDarknet({
      cfg: readFileSync(fixture('yolo-fastest/yolo-fastest-1.1-xl.cfg'), 'utf8'),
      weights: new Uint8Array(readFileSync(weightsPath)),
      classNames: parseNames(readFileSync(fixture('darknet/coco.names'), 'utf8')),
    });
    const table = darknetLayerTable(model);
    expect(table.weightsBytes).toBe(statSync(weightsPath).size);
    expect(table.rows).toHaveLength(model.cfg.layers.length);
    // A depthwise conv (groups = filters), a dropout (no node of its own: the shortcut before it), the heads.
    expect(table.rows[2]).toMatchObject({ type: 'convolutional', details: 'conv 16/16 3x3/1 leaky', outputShape: [160, 160, 16], storedFloats: 16 * 4 + 16 * 9 });
    expect(table.rows[7]).toMatchObject({ type: 'dropout', outputShape: [160, 160, 8], storedFloats: 0 });
    const heads = table.rows.filter((r) => r.type === 'yolo');
    expect(heads.map((r) => r.outputShape)).toEqual([[10, 10, 255], [20, 20, 255]]);
    expect(formatDarknetLayerTable(table)).toContain('.weights size: 3,693,964 bytes');
  });

  it('describes channel-split routes and new_coords heads (yolov4-tiny, yolov4-csp)', () => {
    const tiny = loadDarknet({ cfg: readFileSync(fixture('darknet/yolov4-tiny.cfg'), 'utf8') });
    const split = darknetLayerTable(tiny).rows.find((r) => r.type === 'route' && r.details.includes('of the channels'))!;
    expect(split.details).toBe('route 2 (2/2 of the channels)'); // layers=-1 at layer 3
    expect(split.outputShape).toEqual([104, 104, 32]);
    const csp = loadDarknet({ cfg: readFileSync(fixture('darknet/yolov4-csp.cfg'), 'utf8') });
    expect(darknetLayerTable(csp).rows.filter((r) => r.type === 'yolo').map((r) => r.details)).toEqual(
      Array(3).fill('yolo 3 anchors, 80 classes, scale_x_y 2, new_coords'),
    );
  });
});
