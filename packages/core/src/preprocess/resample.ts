/**
 * Separable resampling of interleaved float images.
 *
 * Filter: a triangle (tent) kernel. Enlarging, it is plain bilinear interpolation with
 * half-pixel centres (align_corners = false). Shrinking by a factor s, the tent is widened
 * to a radius of s source pixels, so every source pixel contributes in proportion to its
 * overlap: area-correct antialiasing, like Pillow's BILINEAR resize, instead of the
 * aliasing that sampling 4 pixels gives when shrinking by more than 2×. Taps that fall
 * outside the image are dropped and the rest renormalised, so edges are not darkened.
 */

/** For each output index along one axis: which source indices contribute, and how much. */
interface AxisFilter {
  /** First contributing source index per output index. */
  first: Int32Array;
  /** Number of contributing source indices per output index. */
  count: Int32Array;
  /** Weights, `taps` slots per output index (only `count` of them used). */
  weights: Float64Array;
  taps: number;
}

function axisFilter(sourceSize: number, targetSize: number): AxisFilter {
  const scale = targetSize / sourceSize;
  // Shrinking widens the kernel by 1/scale (in source pixels); enlarging keeps radius 1.
  const filterScale = Math.min(scale, 1);
  const radius = 1 / filterScale;
  const taps = Math.ceil(radius) * 2 + 1;
  const first = new Int32Array(targetSize);
  const count = new Int32Array(targetSize);
  const weights = new Float64Array(targetSize * taps);
  for (let i = 0; i < targetSize; i++) {
    // Centre of output pixel i in source coordinates, where source pixel j spans [j, j+1).
    const centre = (i + 0.5) / scale;
    const lo = Math.max(0, Math.floor(centre - radius));
    const hi = Math.min(sourceSize - 1, Math.ceil(centre + radius));
    // The nearest source pixel is at most 0.5 away, so it always has weight ≥ 0.5: sum > 0.
    let n = 0;
    let sum = 0;
    let start = -1;
    for (let j = lo; j <= hi; j++) {
      const w = 1 - Math.abs((j + 0.5 - centre) * filterScale);
      if (w <= 0) continue;
      if (start < 0) start = j;
      // Contributing indices are contiguous, so slot = j - start.
      weights[i * taps + (j - start)] = w;
      n = j - start + 1;
      sum += w;
    }
    for (let k = 0; k < n; k++) weights[i * taps + k] /= sum;
    first[i] = start;
    count[i] = n;
  }
  return { first, count, weights, taps };
}

/**
 * Resize an interleaved [height, width, channels] float image to [newHeight, newWidth,
 * channels]. Equal sizes return a copy, untouched.
 */
export function resizeFloat(
  source: Float32Array,
  width: number,
  height: number,
  channels: number,
  newWidth: number,
  newHeight: number,
): Float32Array {
  if (source.length !== width * height * channels) {
    throw new Error(`resize: data has ${source.length} values, expected ${width}×${height}×${channels} = ${width * height * channels}`);
  }
  if (!(newWidth >= 1 && newHeight >= 1 && Number.isInteger(newWidth) && Number.isInteger(newHeight))) {
    throw new Error(`resize: target size must be positive integers, got ${newWidth}×${newHeight}`);
  }
  const horizontal = newWidth === width ? source.slice() : resizeRows(source, width, height, channels, newWidth);
  return newHeight === height ? horizontal : resizeColumns(horizontal, newWidth, height, channels, newHeight);
}

function resizeRows(source: Float32Array, width: number, height: number, channels: number, newWidth: number): Float32Array {
  const { first, count, weights, taps } = axisFilter(width, newWidth);
  const out = new Float32Array(newWidth * height * channels);
  for (let y = 0; y < height; y++) {
    const rowIn = y * width * channels;
    const rowOut = y * newWidth * channels;
    for (let x = 0; x < newWidth; x++) {
      const base = rowIn + first[x] * channels;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < count[x]; k++) acc += weights[x * taps + k] * source[base + k * channels + c];
        out[rowOut + x * channels + c] = acc;
      }
    }
  }
  return out;
}

function resizeColumns(source: Float32Array, width: number, height: number, channels: number, newHeight: number): Float32Array {
  const { first, count, weights, taps } = axisFilter(height, newHeight);
  const rowLength = width * channels;
  const out = new Float32Array(newHeight * rowLength);
  const acc = new Float64Array(rowLength);
  for (let y = 0; y < newHeight; y++) {
    acc.fill(0);
    // Whole rows at a time: the inner loop walks memory contiguously.
    for (let k = 0; k < count[y]; k++) {
      const w = weights[y * taps + k];
      const row = (first[y] + k) * rowLength;
      for (let i = 0; i < rowLength; i++) acc[i] += w * source[row + i];
    }
    out.set(acc, y * rowLength);
  }
  return out;
}
