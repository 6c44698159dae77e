/**
 * SIGINT (Ctrl-C) and SIGTERM. Node's default would kill the process wherever it is: in a
 * multi-image run the current image kept 4 to 10 of its 11 files, and nothing was said. Here
 * the command in progress gets to clean up (eachImage rolls back the current image's files,
 * generate-dataset removes its staging folder), one line on stderr says what happened, and
 * the exit code is the shell's 128 + signal number: 130 for SIGINT, 143 for SIGTERM. A second
 * signal, or a cleanup that takes longer than a few seconds, exits at once.
 */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

/** Cleans up after a signal; returns what to say after "interrupted: " (or nothing). */
export type InterruptHandler = (signal: HandledSignal) => Promise<string | undefined>;

/** How long a cleanup may take before the process exits anyway. */
const CLEANUP_MS = 4000;

const handlers: InterruptHandler[] = [];
let received: HandledSignal | undefined;

/** The error a refused step throws once a signal has arrived. */
export class InterruptedError extends Error {
  constructor(readonly signal: HandledSignal) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
  }
}

/** The signal received so far, if any. */
export function interruption(): HandledSignal | undefined {
  return received;
}

/** Throw InterruptedError once a signal has arrived (for loops that check between steps). */
export function throwIfInterrupted(): void {
  if (received) throw new InterruptedError(received);
}

async function onSignal(signal: HandledSignal): Promise<void> {
  if (received) process.exit(SIGNAL_EXIT_CODES[received]);
  received = signal;
  const handler = handlers.at(-1);
  let said: string | undefined;
  if (handler) {
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('cleanup did not finish in time'), CLEANUP_MS).unref());
    said = await Promise.race([handler(signal).catch((error: unknown) => `cleanup failed: ${error instanceof Error ? error.message : String(error)}`), timeout]);
  }
  process.stderr.write(`interrupted by ${signal}${said ? `: ${said}` : ''}\n`);
  process.exit(SIGNAL_EXIT_CODES[signal]);
}

/** Handle SIGINT and SIGTERM for the rest of the process (main calls this once). */
export function installSignalHandlers(): void {
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]) {
    process.on(signal, () => void onSignal(signal));
  }
}

/** Run `work` with `handler` as the cleanup for a signal that arrives meanwhile. */
export async function withInterruptHandler<T>(handler: InterruptHandler, work: () => Promise<T>): Promise<T> {
  handlers.push(handler);
  try {
    return await work();
  } finally {
    handlers.splice(handlers.lastIndexOf(handler), 1);
  }
}
