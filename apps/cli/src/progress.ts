/**
 * Progress on stderr (stdout, where --json goes, is never touched). On a terminal: one bar
 * redrawn in place, with the count, the rate and the time left. In a log or a pipe: no redraws,
 * but a plain line every few seconds ("dog.jpg integrated-gradients 40/100 (2.1 it/s, eta 28 s)"),
 * so a long run is never silent; runs shorter than that print nothing. Why our own and not a
 * library: docs/decisions/progress-bar.md.
 */
export interface Progress {
  /** Set the label (e.g. 'dog.jpg integrated-gradients') and the amount of work in it. */
  start(label: string, total: number): void;
  update(done: number): void;
  /** Clear the line so later output starts clean. */
  done(): void;
}

export interface ProgressOptions {
  /** Seconds between plain lines when stderr is not a terminal (default 5, or YOLO_SALIENCY_PROGRESS_SECONDS). */
  intervalSeconds?: number;
  now?: () => number;
}

const SILENT: Progress = { start() {}, update() {}, done() {} };

/** The default seconds between plain progress lines, overridable for logs that want more or fewer. */
export function plainLineInterval(): number {
  const env = Number(process.env.YOLO_SALIENCY_PROGRESS_SECONDS);
  return Number.isFinite(env) && env > 0 ? env : 5;
}

/** 28 s, 4 min 10 s, 2 h 5 min. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "2.1 it/s" or, below one a second, "3.4 s/it"; "eta 28 s" from the rate so far. */
function rateAndEta(done: number, total: number, elapsedSeconds: number): { rate: string; eta: string } | undefined {
  if (done <= 0 || elapsedSeconds <= 0) return undefined;
  const perSecond = done / elapsedSeconds;
  const rate = perSecond >= 1 ? `${perSecond.toFixed(perSecond >= 10 ? 0 : 1)} it/s` : `${(1 / perSecond).toFixed(1)} s/it`;
  return { rate, eta: `eta ${formatSeconds((total - done) / perSecond)}` };
}

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr, options: ProgressOptions = {}): Progress {
  if (!enabled) return SILENT;
  const now = options.now ?? Date.now;
  let label = '';
  let total = 1;
  let current = 0;
  let startedAt = now();
  const speed = () => rateAndEta(current, total, (now() - startedAt) / 1000);
  /** A new task: its label, its count, and a clock of its own for the rate. */
  const begin = (newLabel: string, newTotal: number) => {
    label = newLabel;
    total = Math.max(1, newTotal);
    current = 0;
    startedAt = now();
  };

  if (!stream.isTTY) {
    const intervalMs = (options.intervalSeconds ?? plainLineInterval()) * 1000;
    let lastLine = now();
    let timer: NodeJS.Timeout | undefined;
    const line = () => {
      lastLine = now();
      const s = speed();
      stream.write(`${label} ${current}/${total}${s ? ` (${s.rate}, ${s.eta})` : ''}\n`);
    };
    // Nothing for a label that just started or has ended (the next label or the result follows).
    const maybeLine = () => {
      const t = now();
      if (label && current < total && t - lastLine >= intervalMs && (current > 0 || t - startedAt >= intervalMs)) line();
    };
    return {
      start(newLabel, newTotal) {
        begin(newLabel, newTotal);
        // A call that blocks between updates (a large model) still gets its line, on the timer.
        timer ??= setInterval(maybeLine, Math.min(intervalMs, 1000)).unref();
      },
      update(done) {
        current = done;
        maybeLine();
      },
      done() {
        if (timer) clearInterval(timer);
        timer = undefined;
        label = '';
      },
    };
  }

  let lastDraw = 0;
  const draw = (force: boolean) => {
    const t = now();
    if (!force && t - lastDraw < 80) return; // redraw at most ~12 times a second
    lastDraw = t;
    const columns = stream.columns || 80;
    const fraction = Math.min(1, Math.max(0, current / total));
    const s = speed();
    const tail = `${String(Math.round(fraction * 100)).padStart(3)}% ${current}/${total}${s ? ` ${s.rate} ${s.eta}` : ''} ${label}`;
    const barWidth = Math.max(10, Math.min(30, columns - tail.length - 4));
    const filled = Math.round(fraction * barWidth);
    const text = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${tail}`;
    stream.write(`\r${text.slice(0, columns - 1)}\x1b[K`);
  };
  return {
    start(newLabel, newTotal) {
      begin(newLabel, newTotal);
      draw(true);
    },
    update(done) {
      current = done;
      draw(done >= total);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
