/**
 * Text from a file, made safe to quote in a message a terminal will print: control
 * characters (C0, DEL, C1), bidirectional overrides and line/paragraph separators become
 * visible escapes (`\x1b`, `\u202e`), so a binary or hostile file can neither move the cursor,
 * recolour the terminal, set its title, nor break the one-line error; overly long text is cut.
 */

// C0 controls except nothing, DEL, C1 controls, zero-width and bidi controls, line/paragraph separators, BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

const escape = (c: string) => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with unsafe characters escaped and at most `max` characters kept (then '…'). */
export function printable(text: string, max = 200): string {
  const chars = Array.from(text);
  const cut = chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
  return cut.replace(UNSAFE, escape);
}
