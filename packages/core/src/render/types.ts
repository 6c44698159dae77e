/** An 8-bit image in memory, row-major, interleaved channels (RGB or RGBA). */
export interface Image8 {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

export type Colormap = 'jet' | 'inferno' | 'gray';

/** How a [H,W,3] attribution becomes one value per pixel. */
export type ChannelReduction = 'abs-max' | 'abs-sum';
