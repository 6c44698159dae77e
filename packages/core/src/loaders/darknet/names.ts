/** Class names from a darknet .names file: one per line, blank lines and surrounding spaces dropped. */
export function parseNames(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
