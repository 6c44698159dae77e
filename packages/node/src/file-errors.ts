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

/** An Error whose message is `file: problem` (the problem's control characters escaped). */
export function fileError(file: string, problem: string, cause?: unknown): Error {
  return new Error(`${file}: ${printable(problem, MAX_MESSAGE)}`, cause === undefined ? undefined : { cause });
}

/**
 * Rethrow-helper: keep the message when it already names the file (full path or base name),
 * otherwise prefix it with the file.
 */
export function withFileName(error: unknown, file: string): Error {
  const text = messageOf(error);
  if (text.includes(file) || text.includes(basename(file))) {
    return error instanceof Error && error.message === text ? error : new Error(text, { cause: error });
  }
  return fileError(file, text, error);
}
