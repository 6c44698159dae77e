/**
 * A one-line progress bar on stderr. It draws only when stderr is a terminal: in logs and
 * pipes redrawn lines are noise, and stdout (where --json goes) is never touched.
 */
export interface Progress {
  /** Set the label (e.g. 'dog.jpg integrated-gradients') and the amount of work in it. */
  start(label: string, total: number): void;
  update(done: number): void;
  /** Clear the line so later output starts clean. */
  done(): void;
}

const SILENT: Progress = { start() {}, update() {}, done() {} };

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return SILENT;
  let label = '';
  let total = 1;
  let lastDraw = 0;
  const draw = (done: number, force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < 80) return; // redraw at most ~12 times a second
    lastDraw = now;
    const columns = stream.columns || 80;
    const fraction = Math.min(1, Math.max(0, done / total));
    const barWidth = Math.max(10, Math.min(30, columns - label.length - 12));
    const filled = Math.round(fraction * barWidth);
    const text = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${label}`;
    stream.write(`\r${text.slice(0, columns - 1)}\x1b[K`);
  };
  return {
    start(newLabel, newTotal) {
      label = newLabel;
      total = Math.max(1, newTotal);
      draw(0, true);
    },
    update(done) {
      draw(done, done >= total);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
