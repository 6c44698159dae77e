/**
 * Colormap definitions, sampled into 256-entry tables by colormap.ts.
 */

/** A channel as matplotlib's segment data: (x, value) breakpoints, linear in between. */
export type Segments = ReadonlyArray<readonly [number, number]>;

/** matplotlib's 'jet' (its `_jet_data`; continuous breakpoints only). */
export const JET: { red: Segments; green: Segments; blue: Segments } = {
  red: [[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]],
  green: [[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]],
  blue: [[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]],
};

/**
 * matplotlib's 'inferno' (Smith & van der Walt, CC0) as [table index 0..255, r, g, b]
 * knots, linear in between: knots chosen so that piecewise-linear interpolation stays
 * within 0.5/255 of every entry of the 256-entry original, so the 8-bit colours match
 * matplotlib's to within 1 level.
 */
export const INFERNO_KNOTS: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0.0015, 0.0005, 0.0139],
  [3, 0.0045, 0.0034, 0.0309],
  [11, 0.0224, 0.0172, 0.0973],
  [19, 0.0564, 0.0346, 0.1684],
  [28, 0.1046, 0.047, 0.2534],
  [36, 0.1558, 0.0446, 0.3253],
  [42, 0.1973, 0.0384, 0.3675],
  [48, 0.2383, 0.0366, 0.3964],
  [56, 0.2908, 0.0456, 0.4186],
  [67, 0.3603, 0.0692, 0.4315],
  [81, 0.4474, 0.1016, 0.4311],
  [96, 0.5409, 0.1347, 0.4151],
  [111, 0.634, 0.169, 0.3837],
  [126, 0.7241, 0.2097, 0.3374],
  [141, 0.8071, 0.2627, 0.2789],
  [155, 0.8737, 0.3269, 0.2169],
  [169, 0.9265, 0.4054, 0.1503],
  [182, 0.9613, 0.4887, 0.0843],
  [192, 0.9784, 0.5579, 0.0349],
  [196, 0.9829, 0.5866, 0.0247],
  [200, 0.986, 0.6158, 0.0256],
  [204, 0.9876, 0.6453, 0.0399],
  [210, 0.9875, 0.6904, 0.08],
  [219, 0.9812, 0.7591, 0.1569],
  [227, 0.9698, 0.8208, 0.2387],
  [234, 0.9568, 0.8741, 0.324],
  [240, 0.9476, 0.9174, 0.4107],
  [245, 0.9479, 0.9493, 0.4914],
  [250, 0.9618, 0.9759, 0.5719],
  [255, 0.9884, 0.9984, 0.6449],
];
