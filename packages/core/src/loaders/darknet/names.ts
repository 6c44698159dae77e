import { checkClassName } from '../../graph/validate.js';

/**
 * Class names from a darknet .names file: one per line, blank lines and surrounding spaces
 * dropped. A name with control characters (a binary file) or of absurd length is refused with
 * its line: names are printed and drawn.
 */
export function parseNames(text: string): string[] {
  const names: string[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const problem = checkClassName(line);
    if (problem) throw new Error(`line ${i + 1}: class name ${problem}`);
    names.push(line);
  });
  return names;
}
