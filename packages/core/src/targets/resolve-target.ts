/**
 * Make a target concrete on one image: detection terms become the cell/anchor/class of the
 * detection they name (decoded once, on the unperturbed input), raw terms are range-checked.
 */
import { decodeDetections } from '../decode/decode-detections.js';
import type { DecodeDetectionsOptions } from '../decode/decode-detections.js';
import { DEFAULT_SCORE_THRESHOLD } from '../decode/decode-detections.js';
import { headGeometries } from '../decode/head-geometry.js';
import type { HeadGeometry } from '../decode/head-geometry.js';
import type { Detection } from '../decode/types.js';
import type { Graph } from '../graph/types.js';
import type { TensorData } from '../runtime/types.js';
import { printable } from '../util/printable.js';
import { formatTarget, parseTarget } from './parse-target.js';
import type { DetectionSelector, ResolvedTerm, TargetSpec, TargetTerm } from './types.js';

export interface ResolvedTarget {
  spec: TargetSpec;
  terms: ResolvedTerm[];
  /** Per term, the detection it refers to (undefined for raw terms). */
  termDetections: Array<Detection | undefined>;
  /** The first detection any term refers to. */
  detection?: Detection;
  /** Every detection decoded on the input, when some term needed decoding. */
  detections?: Detection[];
}

/** Decoding options; batchIndex picks the image of the batch the target is resolved on. */
export type ResolveTargetOptions = DecodeDetectionsOptions;

export function resolveTarget(spec: string | TargetSpec, graph: Graph, heads: TensorData[], options: ResolveTargetOptions = {}): ResolvedTarget {
  const target = typeof spec === 'string' ? parseTarget(spec) : spec;
  if (target.terms.length === 0) throw new Error('the target has no terms');
  const geometries = headGeometries(graph, heads);
  const needsDetections = target.terms.some((t) => t.kind === 'detection');
  const detections = needsDetections ? decodeDetections(graph, heads, options) : undefined;
  const threshold = options.scoreThreshold ?? DEFAULT_SCORE_THRESHOLD;

  const terms: ResolvedTerm[] = [];
  const termDetections: Array<Detection | undefined> = [];
  for (const term of target.terms) {
    if (term.kind === 'raw') {
      checkRawTerm(term, geometries);
      terms.push({ scale: term.scale, anchor: term.anchor, y: term.y, x: term.x, quantity: 'raw', channel: term.channel });
      termDetections.push(undefined);
    } else {
      const detection = selectDetection(term.selector, detections ?? [], graph, threshold);
      const { scale, anchor, y, x } = detection.cell;
      terms.push({ scale, anchor, y, x, quantity: term.quantity, channel: detection.classIndex });
      termDetections.push(detection);
    }
  }
  return { spec: target, terms, termDetections, detection: termDetections.find((d) => d !== undefined), detections };
}

function selectDetection(selector: DetectionSelector, detections: Detection[], graph: Graph, threshold: number): Detection {
  const hint = 'lower --score-threshold or use a raw: target';
  if (selector.kind === 'class') {
    const classIndex = findClass(selector.name, graph);
    const found = detections.find((d) => d.classIndex === classIndex);
    if (!found) throw new Error(`no '${graph.classNames[classIndex]}' detection above score ${threshold} to explain; ${hint}`);
    return found;
  }
  if (detections.length === 0) throw new Error(`no detection above score ${threshold} to explain; ${hint}`);
  const index = selector.kind === 'top' ? 0 : selector.index;
  if (index >= detections.length) {
    throw new Error(`target 'det:${index}' asks for detection ${index}, but only ${detections.length} detection(s) scored above ${threshold} (det:0..det:${detections.length - 1}); ${hint}`);
  }
  return detections[index];
}

function findClass(name: string, graph: Graph): number {
  let index = graph.classNames.indexOf(name);
  if (index < 0) index = graph.classNames.findIndex((c) => c.toLowerCase() === name.toLowerCase());
  if (index < 0) {
    const shown = graph.classNames.slice(0, 12).join(', ') + (graph.classNames.length > 12 ? ', ...' : '');
    const quoted = printable(name, 60); // the name comes from the user (or a web request)
    throw new Error(`target 'class:${quoted}': the model has no class '${quoted}' (classes: ${shown})`);
  }
  return index;
}

function checkRawTerm(term: Extract<TargetTerm, { kind: 'raw' }>, geometries: HeadGeometry[]): void {
  const heads = geometries.length;
  if (term.scale >= heads) throw new Error(`raw target scale=${term.scale} is outside the model's ${heads} heads (scale 0..${heads - 1})`);
  const head = geometries[term.scale];
  if (term.anchor >= head.anchors) {
    throw new Error(`raw target anchor=${term.anchor} is outside head ${term.scale}'s ${head.anchors} anchors (anchor 0..${head.anchors - 1})`);
  }
  if (term.y >= head.gridH || term.x >= head.gridW) {
    throw new Error(`raw target y=${term.y},x=${term.x} is outside head ${term.scale}'s ${head.gridH}x${head.gridW} grid (y 0..${head.gridH - 1}, x 0..${head.gridW - 1})`);
  }
  if (term.channel >= head.entry) {
    throw new Error(`raw target channel=${term.channel} is outside head ${term.scale}'s ${head.entry} channels per anchor (channel 0..${head.entry - 1}: 0-3 box, 4 objectness, 5+ classes)`);
  }
}

/** A short description for reports, e.g. "top/score -> head 1 cell (7,3) anchor 2 class 16". */
export function describeResolvedTarget(resolved: ResolvedTarget): string {
  return resolved.terms
    .map((t, i) => {
      const where = `head ${t.scale} cell (y=${t.y},x=${t.x}) anchor ${t.anchor}`;
      const what = t.quantity === 'raw' ? `channel ${t.channel}` : `${resolved.termDetections[i]?.className ?? `class ${t.channel}`} ${t.quantity}`;
      return `${formatTarget({ terms: [resolved.spec.terms[i]] })} -> ${where} ${what}`;
    })
    .join('; ');
}
