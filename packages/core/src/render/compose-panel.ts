import { checkImage8 } from '../preprocess/image-checks.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT } from './bitmap-font.js';
import type { Rgb } from './color.js';
import { drawLabel, measureText } from './draw-text.js';
import { fillRect, pasteImage } from './pixels.js';
import type { Image8 } from './types.js';

export interface PanelTile {
  image: Image8;
  title: string;
}

export interface PanelOptions {
  /** Tiles per row; default all in one row. */
  columns?: number;
  /** Pixels between tiles and around the border; default 4. */
  gap?: number;
  /** Default white. */
  background?: Rgb;
  /** Default black. */
  titleColor?: Rgb;
  /** Integer magnification of the title font; default 1. */
  titleScale?: number;
}

/** Where composePanel puts things; exported so callers can annotate a panel further. */
export interface PanelLayout {
  width: number;
  height: number;
  /** Size of every cell's image area (the largest tile); smaller tiles are centred in it. */
  cellWidth: number;
  cellHeight: number;
  /** Height of the title strip above each cell's image area. */
  titleHeight: number;
  /** Top-left corner of each cell (its title strip), in tile order. */
  cells: Array<{ x: number; y: number }>;
  /** Top-left corner of each tile's image, in tile order. */
  tiles: Array<{ x: number; y: number }>;
}

/**
 * The grid: `columns` cells per row, each a title strip of (7 + 4)·titleScale pixels (the
 * text with 2·titleScale above and below) over an image area as large as the largest tile,
 * `gap` pixels between cells and around the border.
 */
export function panelLayout(tiles: ReadonlyArray<{ image: { width: number; height: number } }>, options: PanelOptions = {}): PanelLayout {
  const { columns = tiles.length, gap = 4, titleScale = 1 } = options;
  if (tiles.length === 0) throw new Error('composePanel: no tiles to compose');
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`composePanel: columns must be a positive integer, got ${columns}`);
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`composePanel: gap must be a non-negative integer, got ${gap}`);
  if (!Number.isInteger(titleScale) || titleScale < 1) throw new Error(`composePanel: titleScale must be a positive integer, got ${titleScale}`);
  const cols = Math.min(columns, tiles.length);
  const rows = Math.ceil(tiles.length / cols);
  const cellWidth = Math.max(...tiles.map((t) => t.image.width));
  const cellHeight = Math.max(...tiles.map((t) => t.image.height));
  const titleHeight = (GLYPH_HEIGHT + 4) * titleScale;
  const cells = tiles.map((_, k) => ({
    x: gap + (k % cols) * (cellWidth + gap),
    y: gap + Math.floor(k / cols) * (titleHeight + cellHeight + gap),
  }));
  const placed = tiles.map((t, k) => ({
    x: cells[k].x + Math.floor((cellWidth - t.image.width) / 2),
    y: cells[k].y + titleHeight + Math.floor((cellHeight - t.image.height) / 2),
  }));
  return {
    width: cols * cellWidth + (cols + 1) * gap,
    height: rows * (titleHeight + cellHeight) + (rows + 1) * gap,
    cellWidth,
    cellHeight,
    titleHeight,
    cells,
    tiles: placed,
  };
}

/**
 * Tiles side by side in a grid (e.g. every method's map for one image), each with its title
 * centred above it in the bitmap font; titles too long for the cell are cut short.
 * Returns an RGBA image.
 */
export function composePanel(tiles: ReadonlyArray<PanelTile>, options: PanelOptions = {}): Image8 {
  tiles.forEach((t, k) => checkImage8(t.image, `composePanel (tile ${k}${t.title ? ` '${t.title}'` : ''})`));
  const { background = [255, 255, 255], titleColor = [0, 0, 0], titleScale = 1 } = options;
  const layout = panelLayout(tiles, options);
  const panel: Image8 = { width: layout.width, height: layout.height, channels: 4, data: new Uint8ClampedArray(layout.width * layout.height * 4) };
  fillRect(panel, 0, 0, panel.width, panel.height, background);
  tiles.forEach((tile, k) => {
    const { x: cellX, y: cellY } = layout.cells[k];
    const title = fitText(tile.title, layout.cellWidth, titleScale);
    const textWidth = measureText(title, titleScale).width;
    drawLabel(panel, title, cellX + Math.floor((layout.cellWidth - textWidth) / 2), cellY + 2 * titleScale, titleColor, { scale: titleScale });
    pasteImage(panel, tile.image, layout.tiles[k].x, layout.tiles[k].y);
  });
  return panel;
}

/** The longest prefix of `text` that fits `width` pixels. */
function fitText(text: string, width: number, scale: number): string {
  const chars = [...text];
  const fits = Math.floor((width + scale) / (GLYPH_ADVANCE * scale));
  return chars.length <= fits ? text : chars.slice(0, Math.max(0, fits)).join('');
}
