import { describe, expect, it } from 'vitest';
import type { Detection } from '../src/decode/types.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT } from '../src/render/bitmap-font.js';
import { panelLayout } from '../src/render/compose-panel.js';
import { measureText } from '../src/render/draw-text.js';
import { composePanel, drawBox, drawDetections, drawLabel } from '../src/render/index.js';
import type { Image8 } from '../src/render/types.js';

const blank = (width: number, height: number, channels: 3 | 4 = 3): Image8 => ({ width, height, channels, data: new Uint8Array(width * height * channels) });
const isRed = (img: Image8, x: number, y: number) => {
  const i = (y * img.width + x) * img.channels;
  return img.data[i] === 255 && img.data[i + 1] === 0 && img.data[i + 2] === 0;
};
/** The lit pixels as rows of '#'/'.', for readable expectations. */
const picture = (img: Image8, test: (x: number, y: number) => boolean) =>
  Array.from({ length: img.height }, (_, y) => Array.from({ length: img.width }, (_, x) => (test(x, y) ? '#' : '.')).join(''));
const RED = [255, 0, 0] as const;

describe('drawBox', () => {
  it('sets exactly the border pixels (thickness 1)', () => {
    const img = drawBox(blank(6, 5), [1, 1, 5, 4], RED, 1);
    expect(picture(img, (x, y) => isRed(img, x, y))).toEqual(['......', '.####.', '.#..#.', '.####.', '......']);
    // Nothing else touched: interior and outside stay black.
    expect(Array.from(img.data.subarray(0, 3))).toEqual([0, 0, 0]);
  });
  it('draws thickness inward and clamps a box reaching past the image', () => {
    const img = drawBox(blank(7, 7), [-3, 1, 7.4, 7], RED, 2);
    expect(picture(img, (x, y) => isRed(img, x, y))).toEqual([
      '.......',
      '#######',
      '#######',
      '##...##',
      '##...##',
      '#######',
      '#######',
    ]);
  });
  it('ignores a box entirely outside and sets alpha on RGBA', () => {
    const outside = drawBox(blank(4, 4), [10, 10, 20, 20], RED, 1);
    expect(outside.data.every((v) => v === 0)).toBe(true);
    const rgba = drawBox(blank(3, 3, 4), [0, 0, 3, 3], RED, 1);
    expect(Array.from(rgba.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
    expect(rgba.data[(1 * 3 + 1) * 4 + 3]).toBe(0);
  });
});

describe('bitmap font', () => {
  it('renders "A" with its 18 lit cells, and 4× as many pixels at scale 2', () => {
    const one = drawLabel(blank(5, 7), 'A', 0, 0, RED);
    expect(picture(one, (x, y) => isRed(one, x, y))).toEqual(['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#']);
    const two = drawLabel(blank(12, 16), 'A', 1, 1, RED, { scale: 2 });
    let lit = 0;
    for (let y = 0; y < 16; y++) for (let x = 0; x < 12; x++) if (isRed(two, x, y)) lit++;
    expect(lit).toBe(72);
    // Each cell is a 2×2 block: the apex's first lit cell (1,0) covers pixels (3..4, 1..2).
    expect([isRed(two, 3, 1), isRed(two, 4, 2), isRed(two, 2, 1)]).toEqual([true, true, false]);
  });
  it('covers printable ASCII, advances 6 pixels per character and shows others as "?"', () => {
    expect(measureText('ab c', 1)).toEqual({ width: 4 * GLYPH_ADVANCE - 1, height: GLYPH_HEIGHT });
    expect(measureText('', 3)).toEqual({ width: 0, height: 21 });
    for (let code = 33; code <= 126; code++) {
      const img = drawLabel(blank(5, 7), String.fromCharCode(code), 0, 0, RED);
      expect(img.data.some((v) => v > 0), `glyph ${code}`).toBe(true);
    }
    const q = drawLabel(blank(5, 7), '?', 0, 0, RED);
    const e = drawLabel(blank(5, 7), 'é', 0, 0, RED);
    expect(e.data).toEqual(q.data);
  });
  it('fills a background box with a margin of one scale unit', () => {
    const img = drawLabel(blank(13, 9), 'II', 1, 1, [0, 0, 255], { background: [255, 0, 0] });
    // 'II' is 11 wide, 7 high; the background covers (0..12, 0..8), text pixels are blue.
    expect(picture(img, (x, y) => !isRed(img, x, y))[0]).toBe('.............');
    expect(picture(img, (x, y) => !isRed(img, x, y))[1]).toBe('..###...###..');
  });
});

describe('drawDetections', () => {
  const detection = (box: [number, number, number, number], classIndex: number): Detection => ({
    box, score: 0.5, objectness: 0.9, classIndex, className: 'I', classProbability: 0.6,
    cell: { scale: 0, anchor: 0, y: 0, x: 0 },
  });
  it('outlines in the class colour with a label tab above the box', () => {
    const img = blank(40, 30);
    drawDetections(img, [detection([2, 12, 30, 28], 1)], { classColors: [[0, 255, 0], [255, 0, 0]], thickness: 1, label: () => 'I' });
    // Box border at y=12 and y=27, x=2 and x=29.
    expect([isRed(img, 2, 20), isRed(img, 29, 20), isRed(img, 15, 27)]).toEqual([true, true, true]);
    // Tab: 'I' is 5×7, plus 1 on each side → 7×9 at (2, 12−9=3); text in white (reads better on red).
    expect([isRed(img, 2, 3), isRed(img, 8, 11), isRed(img, 9, 5)]).toEqual([true, true, false]);
    const textPixel = (4 * 40 + 3 + 2) * 3; // 'I' row 0 is .###., drawn from (3, 4).
    expect(Array.from(img.data.subarray(textPixel, textPixel + 3))).toEqual([255, 255, 255]);
  });
  it('puts the tab inside the box when there is no room above', () => {
    const img = blank(20, 20);
    drawDetections(img, [detection([0, 0, 20, 20], 0)], { classColors: () => [255, 0, 0], label: () => 'I' });
    expect(isRed(img, 6, 8)).toBe(true); // Tab spans rows 0..8, inside the box.
  });
});

describe('composePanel', () => {
  const tile = (w: number, h: number, value: number): Image8 => ({ width: w, height: h, channels: 3, data: new Uint8Array(w * h * 3).fill(value) });
  it('computes the grid size and places tiles centred in their cells', () => {
    const tiles = [
      { image: tile(10, 8, 10), title: 'a' },
      { image: tile(6, 4, 20), title: 'b' },
      { image: tile(10, 8, 30), title: 'c' },
    ];
    const layout = panelLayout(tiles, { columns: 2, gap: 2 });
    // Cells 10×8 plus a title strip of 11: width 2·10 + 3·2 = 26, height 2·(11 + 8) + 3·2 = 44.
    expect([layout.width, layout.height, layout.titleHeight]).toEqual([26, 44, 11]);
    expect(layout.tiles).toEqual([
      { x: 2, y: 13 },
      { x: 14 + 2, y: 13 + 2 },
      { x: 2, y: 2 + 11 + 8 + 2 + 11 },
    ]);
    const panel = composePanel(tiles, { columns: 2, gap: 2 });
    expect(panel).toMatchObject({ width: 26, height: 44, channels: 4 });
    const px = (x: number, y: number) => Array.from(panel.data.subarray((y * 26 + x) * 4, (y * 26 + x) * 4 + 4));
    expect(px(2, 13)).toEqual([10, 10, 10, 255]);
    expect(px(11, 20)).toEqual([10, 10, 10, 255]);
    expect(px(16, 15)).toEqual([20, 20, 20, 255]);
    expect(px(15, 15)).toEqual([255, 255, 255, 255]); // background beside the small tile
    expect(px(2, 34)).toEqual([30, 30, 30, 255]);
    expect(px(0, 0)).toEqual([255, 255, 255, 255]);
  });
  it('draws each title centred in the strip above its tile', () => {
    const panel = composePanel([{ image: tile(9, 3, 255), title: 'I' }], { gap: 0 });
    // One cell 9 wide; 'I' (5 wide) centred at x = 2, starting 2 pixels down: row 2 is .###.
    const dark = (x: number, y: number) => panel.data[(y * panel.width + x) * 4] === 0;
    expect(picture(panel, dark).slice(0, 4)).toEqual(['.........', '.........', '...###...', '....#....']);
  });
  it('cuts titles that do not fit and rejects an empty panel', () => {
    const panel = composePanel([{ image: tile(11, 2, 255), title: 'IIIIII' }], { gap: 0 });
    const row2 = picture(panel, (x, y) => panel.data[(y * panel.width + x) * 4] === 0)[2];
    expect(row2).toBe('.###...###.'); // two glyphs (5 + 1 + 5 pixels) fit in 11
    expect(() => composePanel([])).toThrow(/composePanel: no tiles/);
  });
});
