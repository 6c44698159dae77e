/**
 * How the CLI fails: usage mistakes exit 2, bad input exits 1, always as one line
 * `error: ...` on stderr. Stack traces only with --verbose or DEBUG set, because a user who
 * gave a bad file needs the file and the problem, not our call stack.
 */
import { printable } from '@yolo-saliency/core';

export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;

/**
 * One line of text for any thrown value, with control characters escaped (core's printable):
 * an option value is echoed in its error ('--iou must be a number, got ...') and may hold any
 * bytes a shell passes.
 */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return printable(text.replace(/\s*\n\s*/g, ' ').trim(), 4000) || 'unknown error';
}

/**
 * A value the user gave, quoted for an error line: escaped, and cut at 200 characters (a
 * pasted file or a runaway shell expansion would otherwise fill the terminal).
 */
export function quoted(value: string): string {
  return `'${printable(value)}'`;
}

export function wantsStack(argv: readonly string[]): boolean {
  return argv.includes('--verbose') || Boolean(process.env.DEBUG);
}

/** Print an error and return the exit code it deserves. */
export function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof UsageError) {
    const hint = error.command ? ` (see 'yolo-saliency ${error.command} --help')` : " (see 'yolo-saliency --help')";
    process.stderr.write(`error: ${oneLine(error)}${hint}\n`);
    return EXIT_USAGE;
  }
  printError(error, verbose);
  return EXIT_BAD_INPUT;
}

/** The one-line error, plus the stack when asked for (also used for per-image failures). */
export function printError(error: unknown, verbose: boolean): void {
  process.stderr.write(`error: ${oneLine(error)}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}
