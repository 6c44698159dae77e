/**
 * The ini-like layer of a darknet .cfg: `[block]` headers followed by `key=value` lines.
 * Darknet ignores whitespace and lines starting with `#` or `;`; we also drop trailing
 * `#`/`;` comments, which darknet would otherwise glue onto the value.
 */
import { printable } from '../../util/printable.js';

export interface CfgOption {
  value: string;
  /** 1-based line number. */
  line: number;
}

export interface CfgSection {
  /** Block name without brackets, lower-cased (`convolutional`). */
  type: string;
  /** 1-based line of the `[block]` header. */
  line: number;
  options: Map<string, CfgOption>;
}

export function splitCfgSections(text: string, fileName: string): CfgSection[] {
  const sections: CfgSection[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/[#;].*$/, '').trim();
    if (line === '') return;
    if (line.startsWith('[')) {
      const match = /^\[\s*([^\]\s]+)\s*\]$/.exec(line);
      if (!match) throw new Error(`${fileName}:${lineNo}: malformed block header '${printable(line)}'`);
      sections.push({ type: match[1].toLowerCase(), line: lineNo, options: new Map() });
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`${fileName}:${lineNo}: expected 'key=value' or '[block]', got '${printable(line)}'`);
    const current = sections[sections.length - 1];
    if (!current) throw new Error(`${fileName}:${lineNo}: option '${printable(line)}' before the first [block]`);
    const key = line.slice(0, eq).trim().toLowerCase();
    current.options.set(key, { value: line.slice(eq + 1).trim(), line: lineNo });
  });
  return sections;
}
