/**
 * Errors a user can hit with a file are one line that starts with the file's name, so the
 * CLI can print them as `error: <message>` and the user knows which file to look at. Text that
 * may come from a file's content is escaped (core's `printable`): a binary file must not put
 * terminal control sequences on the user's screen.
 */
import { basename } from 'node:path';
import { printable } from '@yolo-saliency/core';

/** Longest message kept: a name from a file can be megabytes long; nobody reads past this. */
const MAX_MESSAGE = 2000;

/** The message of any thrown value, on one line, with control characters escaped. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return printable(text.replace(/\s*\n\s*/g, ' ').trim(), MAX_MESSAGE);
}

/** Longest path shown whole in a message; a longer one shows its start and its end. */
const MAX_LABEL = 1024;
const LABEL_END = 400;

/**
 * A path as messages show it: escaped like file content (a name can hold a newline or an
 * escape sequence, and a dataset's labels.json or an upload can name files). A path longer
 * than 1024 characters once escaped (only a made-up one is) keeps its first and last 400, the
 * file's own name among them: shown whole (up to 4096), it left no room for the problem.
 */
export function fileLabel(file: string): string {
  // Escaped first, then cut: an escape takes up to 6 characters, and the cut bounds what is shown.
  const shown = Array.from(printable(file, Number.MAX_SAFE_INTEGER));
  if (shown.length <= MAX_LABEL) return shown.join('');
  return `${shown.slice(0, LABEL_END).join('')}…${shown.slice(-LABEL_END).join('')}`;
}

/** An Error whose message is `file: problem` (the file's and the problem's control characters escaped). */
export function fileError(file: string, problem: string, cause?: unknown): Error {
  return new Error(`${fileLabel(file)}: ${printable(problem, MAX_MESSAGE)}`, cause === undefined ? undefined : { cause });
}

/** Whether a message already starts with `file:` as fileError writes it. */
export function namesFileFirst(message: string, file: string): boolean {
  return message.startsWith(`${fileLabel(file)}:`);
}

/**
 * Rethrow-helper: keep the message when it already names the file (full path or base name),
 * otherwise prefix it with the file.
 */
export function withFileName(error: unknown, file: string): Error {
  const text = messageOf(error);
  if (text.includes(fileLabel(file)) || text.includes(fileLabel(basename(file)))) {
    return error instanceof Error && error.message === text ? error : new Error(text, { cause: error });
  }
  return fileError(file, text, error);
}
