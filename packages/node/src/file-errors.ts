/**
 * Errors a user can hit with a file are one line that starts with the file's name, so the
 * CLI can print them as `error: <message>` and the user knows which file to look at.
 */
import { basename } from 'node:path';

/** The message of any thrown value, on one line. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** An Error whose message names `file` (as given, or its base name if that already appears). */
export function fileError(file: string, problem: string, cause?: unknown): Error {
  return new Error(`${file}: ${problem}`, cause === undefined ? undefined : { cause });
}

/**
 * Rethrow-helper: keep the message when it already names the file (full path or base name),
 * otherwise prefix it with the file.
 */
export function withFileName(error: unknown, file: string): Error {
  const text = messageOf(error);
  if (text.includes(file) || text.includes(basename(file))) {
    return error instanceof Error ? error : new Error(text);
  }
  return fileError(file, text, error);
}
