/**
 * The `--target` grammar (see types.ts): TERM ('+' TERM)*, TERM = raw:... | DETECTION[/QUANTITY].
 * Errors quote the whole spec and the part that is wrong, escaped and cut (`printable`): a spec
 * can come from a web request, and must neither break the one-line message nor reach a
 * terminal's control sequences.
 */
import { printable } from '../util/printable.js';
import type { DetectionSelector, Quantity, TargetSpec, TargetTerm } from './types.js';

export const QUANTITIES: readonly Quantity[] = ['score', 'objectness', 'class', 'logit', 'x', 'y', 'w', 'h'];
const RAW_KEYS = ['scale', 'anchor', 'y', 'x', 'channel'] as const;
/** The spec as quoted in messages, and a part of it. */
const quoteSpec = (spec: string) => printable(spec, 120);
const quote = (part: string) => printable(part, 60);
type RawKey = (typeof RAW_KEYS)[number];

export function parseTarget(spec: string): TargetSpec {
  const trimmed = spec.trim();
  if (trimmed === '') throw new Error("empty target; use e.g. 'top', 'det:1/objectness', 'class:dog/score' or 'raw:scale=0,anchor=0,y=0,x=0,channel=4'");
  const terms = trimmed.split('+').map((part) => {
    const term = part.trim();
    if (term === '') throw new Error(`target '${quoteSpec(spec)}': empty term around '+'`);
    return parseTerm(term, spec);
  });
  return { terms };
}

function parseTerm(term: string, spec: string): TargetTerm {
  if (term.startsWith('raw:')) return parseRaw(term, spec);
  const slash = term.lastIndexOf('/');
  const selectorText = (slash >= 0 ? term.slice(0, slash) : term).trim();
  let quantity: Quantity = 'score';
  if (slash >= 0) {
    const q = term.slice(slash + 1).trim();
    if (!(QUANTITIES as readonly string[]).includes(q)) {
      throw new Error(`target '${quoteSpec(spec)}': unknown quantity '${quote(q)}' in '${quote(term)}'; use one of ${QUANTITIES.join(', ')}`);
    }
    quantity = q as Quantity;
  }
  return { kind: 'detection', selector: parseSelector(selectorText, term, spec), quantity };
}

function parseSelector(text: string, term: string, spec: string): DetectionSelector {
  if (text === 'top') return { kind: 'top' };
  if (text.startsWith('det:')) {
    const k = text.slice(4).trim();
    if (!/^\d+$/.test(k)) throw new Error(`target '${quoteSpec(spec)}': '${quote(k)}' in '${quote(term)}' is not a detection index (a whole number, 0 = the best)`);
    return { kind: 'det', index: Number(k) };
  }
  if (text.startsWith('class:')) {
    const name = text.slice(6).trim();
    if (name === '') throw new Error(`target '${quoteSpec(spec)}': '${quote(term)}' names no class`);
    return { kind: 'class', name };
  }
  throw new Error(`target '${quoteSpec(spec)}': '${quote(text)}' is not a target; use top, det:K, class:NAME (each optionally /QUANTITY) or raw:scale=S,anchor=A,y=Y,x=X,channel=C`);
}

function parseRaw(term: string, spec: string): TargetTerm {
  const values: Partial<Record<RawKey, number>> = {};
  for (const pair of term.slice(4).split(',')) {
    const eq = pair.indexOf('=');
    const key = (eq >= 0 ? pair.slice(0, eq) : pair).trim();
    const value = eq >= 0 ? pair.slice(eq + 1).trim() : '';
    if (!(RAW_KEYS as readonly string[]).includes(key)) {
      throw new Error(`target '${quoteSpec(spec)}': unknown raw key '${quote(pair.trim())}'; a raw target needs ${RAW_KEYS.map((k) => `${k}=N`).join(',')}`);
    }
    if (values[key as RawKey] !== undefined) throw new Error(`target '${quoteSpec(spec)}': '${key}' given twice in '${quote(term)}'`);
    if (!/^\d+$/.test(value)) throw new Error(`target '${quoteSpec(spec)}': '${quote(pair.trim())}' needs a whole number >= 0`);
    values[key as RawKey] = Number(value);
  }
  const missing = RAW_KEYS.filter((k) => values[k] === undefined);
  if (missing.length > 0) throw new Error(`target '${quoteSpec(spec)}': '${quote(term)}' is missing ${missing.join(', ')}`);
  const { scale, anchor, y, x, channel } = values as Record<RawKey, number>;
  return { kind: 'raw', scale, anchor, y, x, channel };
}

/** The spec string of a parsed target (parseTarget(formatTarget(t)) deep-equals t). */
export function formatTarget(target: TargetSpec): string {
  return target.terms
    .map((t) => {
      if (t.kind === 'raw') return `raw:scale=${t.scale},anchor=${t.anchor},y=${t.y},x=${t.x},channel=${t.channel}`;
      const s = t.selector;
      const selector = s.kind === 'top' ? 'top' : s.kind === 'det' ? `det:${s.index}` : `class:${s.name}`;
      return `${selector}/${t.quantity}`;
    })
    .join('+');
}
