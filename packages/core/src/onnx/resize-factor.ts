/**
 * Resize/Upsample -> the IR's nearest-neighbour integer upsampling, only when the ONNX
 * semantics really are "output pixel y reads input pixel floor(y / f)". ONNX nearest resizing
 * has several coordinate and rounding modes; instead of a table of which combinations are
 * equivalent, each node's combination is evaluated on many sizes and compared.
 */
import { GRAPH_LIMITS } from '../graph/limits.js';
import type { OnnxNode } from './onnx-model.js';
import { attrString, describeNode } from './node-attributes.js';

type CoordinateMode = (y: number, f: number, length: number) => number;

const COORDINATE_MODES: Record<string, CoordinateMode> = {
  half_pixel: (y, f) => (y + 0.5) / f - 0.5,
  pytorch_half_pixel: (y, f, length) => (length * f > 1 ? (y + 0.5) / f - 0.5 : 0),
  align_corners: (y, f, length) => (length * f === 1 ? 0 : (y * (length - 1)) / (length * f - 1)),
  asymmetric: (y, f) => y / f,
  tf_half_pixel_for_nn: (y, f) => (y + 0.5) / f,
};

const isHalf = (x: number) => x - Math.floor(x) === 0.5;

const NEAREST_MODES: Record<string, (x: number) => number> = {
  round_prefer_floor: (x) => (isHalf(x) ? Math.floor(x) : Math.round(x)),
  round_prefer_ceil: (x) => (isHalf(x) ? Math.ceil(x) : Math.round(x)),
  floor: Math.floor,
  ceil: Math.ceil,
};

/** Does this mode combination pick floor(y / f) for every output pixel, at every tested length? */
function isFloorUpsampling(coordinate: CoordinateMode, nearest: (x: number) => number, f: number, lengths: number[]): boolean {
  for (const length of lengths) {
    for (let y = 0; y < length * f; y++) {
      const x = Math.min(Math.max(nearest(coordinate(y, f, length)), 0), length - 1);
      if (x !== Math.floor(y / f)) return false;
    }
  }
  return true;
}

/**
 * The integer factor of a nearest Resize/Upsample, given its scales ([1, 1, f, f]) and the
 * lengths (H and W) it sees. `legacy` marks Upsample and opset-10 Resize, which floor.
 */
export function nearestUpsampleFactor(n: OnnxNode, scales: ArrayLike<number>, inputLengths: number[], legacy: boolean): number {
  const where = describeNode(n);
  const mode = attrString(n, 'mode', 'nearest');
  if (mode !== 'nearest') throw new Error(`${where}: mode '${mode}' is not supported (only nearest)`);
  const s = Array.from(scales);
  if (s.length !== 4 || s[0] !== 1 || s[1] !== 1 || s[2] !== s[3] || !Number.isInteger(s[2]) || s[2] < 1) {
    throw new Error(`${where}: scales [${s.slice(0, 8).join(', ')}${s.length > 8 ? ', …' : ''}] are not [1, 1, f, f] with an integer f`);
  }
  const f = s[2];
  if (f > GRAPH_LIMITS.upsample) throw new Error(`${where}: an upsampling factor of ${f} is more than ${GRAPH_LIMITS.upsample}`);
  if (inputLengths.some((length) => !(Number.isInteger(length) && length >= 1 && length <= GRAPH_LIMITS.tensorSize))) {
    throw new Error(`${where}: its input ${inputLengths.join('x')} is not a size within ${GRAPH_LIMITS.tensorSize}`);
  }
  if (legacy) return f;
  const coordinateName = attrString(n, 'coordinate_transformation_mode', 'half_pixel');
  const nearestName = attrString(n, 'nearest_mode', 'round_prefer_floor');
  const coordinate = COORDINATE_MODES[coordinateName];
  const nearest = NEAREST_MODES[nearestName];
  if (!coordinate) throw new Error(`${where}: coordinate_transformation_mode '${coordinateName}' is not supported`);
  if (!nearest) throw new Error(`${where}: nearest_mode '${nearestName}' is not supported`);
  const lengths = [...Array.from({ length: 40 }, (_, k) => k + 1), ...inputLengths];
  if (!isFloorUpsampling(coordinate, nearest, f, lengths)) {
    throw new Error(`${where}: coordinate_transformation_mode '${coordinateName}' with nearest_mode '${nearestName}' is not plain nearest upsampling by ${f}`);
  }
  return f;
}
