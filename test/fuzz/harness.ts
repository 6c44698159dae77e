/**
 * The fuzz harness: settings (seed, case count, time budget) from the environment, the
 * in-process executor (a child process running the parsers of the built packages, killed when
 * a case hangs), the CLI runner (one child process per case, with its peak RSS), the checks a
 * case must pass, and the tally printed as a table.
 *
 *   FUZZ_SEED=7 FUZZ_BUDGET_S=600 FUZZ_CASES=100000 FUZZ_FAMILIES=onnx,cli-onnx pnpm fuzz
 *
 * Every case is reproducible alone from (seed, family, index): FUZZ_CASE=index with
 * FUZZ_FAMILIES=family reruns it; failing inputs are kept under out/fuzz/failures/.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, lstatSync, cpSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileLabel } from '@yolo-saliency/node';
import { caseSeed, Rng } from './mutate.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI under test: this checkout's build, or FUZZ_CLI (another checkout's apps/cli/dist/main.js). */
export const CLI_MAIN = process.env.FUZZ_CLI || `${ROOT}apps/cli/dist/main.js`;
const CHILD = fileURLToPath(new URL('./parser-child.mjs', import.meta.url));
const RSS_PRELOAD = new URL('./rss-preload.mjs', import.meta.url).href;

// ---------------------------------------------------------------------------------------------
// Settings

export interface FuzzSettings {
  seed: number;
  /** Wall-clock budget of one test file (its families share it), in ms. */
  budgetMs: number;
  /** At most this many cases per family. */
  maxCases: number;
  /** At least this many cases per family, whatever the budget says (every family runs). */
  minCases: number;
  /** Run only this case index (with FUZZ_FAMILIES: reproduce one case). */
  onlyCase?: number;
  families?: Set<string>;
  /** A case (in-process or CLI) that runs longer is killed and counted as a hang. */
  caseTimeoutMs: number;
  /** The peak RSS no case may exceed. */
  rssLimitMb: number;
  /** Parallel CLI cases. */
  concurrency: number;
  /** Where `pnpm fuzz` collects the tallies (JSON lines). */
  summaryFile?: string;
  long: boolean;
}

const num = (name: string): number | undefined => {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got '${v}'`);
  return n;
};

/** CI defaults (a fixed seed, a budget of seconds) unless the environment says otherwise. */
export function fuzzSettings(defaults: { budgetS: number; maxCases: number; minCases?: number; caseTimeoutS: number }): FuzzSettings {
  const families = process.env.FUZZ_FAMILIES?.split(',').map((f) => f.trim()).filter(Boolean);
  return {
    seed: num('FUZZ_SEED') ?? 1,
    budgetMs: (num('FUZZ_BUDGET_S') ?? defaults.budgetS) * 1000,
    maxCases: num('FUZZ_CASES') ?? defaults.maxCases,
    minCases: num('FUZZ_MIN_CASES') ?? defaults.minCases ?? 1,
    onlyCase: num('FUZZ_CASE'),
    families: families?.length ? new Set(families) : undefined,
    caseTimeoutMs: (num('FUZZ_TIMEOUT_S') ?? defaults.caseTimeoutS) * 1000,
    rssLimitMb: num('FUZZ_RSS_LIMIT_MB') ?? 1536,
    concurrency: num('FUZZ_CONCURRENCY') ?? 2,
    summaryFile: process.env.FUZZ_SUMMARY || undefined,
    long: process.env.FUZZ_LONG === '1',
  };
}

// ---------------------------------------------------------------------------------------------
// Outcomes and the tally

export type OutcomeKind = 'accepted' | 'rejected' | 'usage' | 'interrupted' | 'failed';

export interface Outcome {
  family: string;
  index: number;
  kind: OutcomeKind;
  /** What the case was (the mutation), for the failure report. */
  what: string;
  ms: number;
  rssMb?: number;
  failure?: string;
  /** Where the failing inputs were kept. */
  kept?: string;
}

interface Row {
  family: string;
  mode: string;
  cases: number;
  accepted: number;
  rejected: number;
  usage: number;
  interrupted: number;
  failed: number;
  maxMs: number;
  peakRssMb: number;
  worst: string;
}

export class Tally {
  readonly rows = new Map<string, Row>();
  readonly failures: Outcome[] = [];
  constructor(readonly settings: FuzzSettings) {}

  record(mode: string, o: Outcome): void {
    const row = this.rows.get(o.family) ?? { family: o.family, mode, cases: 0, accepted: 0, rejected: 0, usage: 0, interrupted: 0, failed: 0, maxMs: 0, peakRssMb: 0, worst: '' };
    this.rows.set(o.family, row);
    row.cases++;
    row[o.kind === 'failed' ? 'failed' : o.kind]++;
    row.maxMs = Math.max(row.maxMs, o.ms);
    if (o.rssMb !== undefined && o.rssMb > row.peakRssMb) {
      row.peakRssMb = o.rssMb;
      row.worst = `#${o.index} ${o.what}`.slice(0, 120);
    }
    if (o.failure) this.failures.push(o);
  }

  /** The heaviest case of all, by peak RSS. */
  worst(): Row | undefined {
    return [...this.rows.values()].sort((a, b) => b.peakRssMb - a.peakRssMb)[0];
  }

  table(title: string): string {
    const head = ['family', 'mode', 'cases', 'accepted', 'exit 1 / rejected', 'exit 2', '130/143', 'failures', 'max ms', 'peak RSS MB'];
    const body = [...this.rows.values()].map((r) => [r.family, r.mode, r.cases, r.accepted, r.rejected, r.usage, r.interrupted, r.failed, Math.round(r.maxMs), Math.round(r.peakRssMb)].map(String));
    const total = ['total', '', ...[2, 3, 4, 5, 6, 7].map((i) => String(body.reduce((s, r) => s + Number(r[i]), 0))), String(Math.max(0, ...body.map((r) => Number(r[8])))), String(Math.max(0, ...body.map((r) => Number(r[9]))))];
    const all = [head, ...body, total];
    const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    const worst = this.worst();
    return [
      `${title} (seed ${this.settings.seed})`,
      line(head),
      ...body.map(line),
      line(total),
      worst ? `heaviest case: ${worst.family} ${worst.worst} (${Math.round(worst.peakRssMb)} MB)` : '',
    ].join('\n');
  }

  /** For `pnpm fuzz`: one JSON line per family, merged into one table by run.mjs. */
  save(): void {
    if (!this.settings.summaryFile) return;
    for (const row of this.rows.values()) appendFileSync(this.settings.summaryFile, `${JSON.stringify({ seed: this.settings.seed, ...row })}\n`);
    for (const f of this.failures) appendFileSync(this.settings.summaryFile, `${JSON.stringify({ failure: f })}\n`);
  }

  failureReport(): string {
    return this.failures
      .slice(0, 20)
      .map((f) => `${f.family}#${f.index} (FUZZ_SEED=${this.settings.seed} FUZZ_FAMILIES=${f.family} FUZZ_CASE=${f.index}): ${f.failure}\n    case: ${f.what}${f.kept ? `\n    inputs: ${f.kept}` : ''}`)
      .join('\n');
  }
}

// ---------------------------------------------------------------------------------------------
// Families and the scheduler

export interface CaseContext {
  rng: Rng;
  /** A fresh folder for this case's files. */
  dir: string;
  index: number;
  seed: number;
}

export interface Family<C> {
  name: string;
  mode: 'parser' | 'cli';
  /** Share of the time budget relative to the other families (default 1). */
  weight?: number;
  make(ctx: CaseContext): Promise<C & { what: string }>;
  run(c: C & { what: string }, ctx: CaseContext): Promise<Omit<Outcome, 'family' | 'index' | 'what'>>;
}

/** Copies a failing case's folder to out/fuzz/failures/<family>-<seed>-<index>. */
function keep(dir: string, family: string, seed: number, index: number): string | undefined {
  try {
    const target = `${ROOT}out/fuzz/failures/${family}-${seed}-${index}`;
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    cpSync(dir, target, { recursive: true, verbatimSymlinks: true, filter: (src) => { try { const s = lstatSync(src); return s.isFile() || s.isDirectory() || s.isSymbolicLink(); } catch { return false; } } });
    return target;
  } catch {
    return undefined;
  }
}

/**
 * Run the families one after another, each for its share of what is left of the budget (a
 * family that reaches the case count early leaves its time to the next), cases of one family
 * `concurrency` at a time.
 */
export async function runFamilies(families: Array<Family<any>>, settings: FuzzSettings, tally: Tally, concurrency = 1): Promise<void> {
  const chosen = families.filter((f) => !settings.families || settings.families.has(f.name));
  const started = Date.now();
  const work = await mkdtemp(join(tmpdir(), 'ys-fuzz-'));
  try {
    let weightLeft = chosen.reduce((s, f) => s + (f.weight ?? 1), 0);
    for (const family of chosen) {
      const share = ((settings.budgetMs - (Date.now() - started)) * (family.weight ?? 1)) / weightLeft;
      weightLeft -= family.weight ?? 1;
      const deadline = Date.now() + Math.max(share, 0);
      const indices = settings.onlyCase !== undefined ? [settings.onlyCase] : undefined;
      let next = 0;
      const worker = async () => {
        for (;;) {
          const index = indices ? indices[next] : next;
          if (indices ? next >= indices.length : next >= settings.maxCases || (next >= settings.minCases && Date.now() >= deadline)) return;
          next++;
          const seed = caseSeed(settings.seed, family.name, index);
          const dir = join(work, `${family.name}-${index}`);
          mkdirSync(dir, { recursive: true });
          const ctx: CaseContext = { rng: new Rng(seed), dir, index, seed };
          let outcome: Outcome;
          let what = '(not made)';
          try {
            const c = await family.make(ctx);
            what = c.what;
            outcome = { family: family.name, index, what, ...(await family.run(c, ctx)) };
          } catch (error) {
            outcome = { family: family.name, index, what, kind: 'failed', ms: 0, failure: `harness error: ${(error as Error).stack ?? error}` };
          }
          if (outcome.failure) {
            outcome.kind = 'failed';
            outcome.kept = keep(dir, family.name, settings.seed, index);
          }
          tally.record(family.mode, outcome);
          await rm(dir, { recursive: true, force: true }).catch(() => {});
        }
      };
      await Promise.all(Array.from({ length: family.mode === 'cli' ? concurrency : 1 }, worker));
    }
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Message checks

/** Characters a one-line message must not carry (core's printable escapes them). */
export const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
/** Texts of errors that escaped from inside a parser instead of being explained. */
const INTERNAL = /Cannot read propert|Cannot set propert|is not a function|is not iterable|\[object Object\]|of undefined|of null|Invalid typed array length|Invalid array length|Maximum call stack|allocation failed|out of memory|Aborted\(|memory access out of bounds|unreachable|RuntimeError|Offset is outside the bounds|out of range index|Start offset/;

/** Problems with an error message shown to a user; `names` must include one of these files. */
export function messageProblem(message: string, names: string[]): string | undefined {
  if (!message.trim()) return 'empty message';
  if (/[\n\r]/.test(message)) return `message spans lines: ${JSON.stringify(message.slice(0, 300))}`;
  if (UNSAFE.test(message)) return `control characters in message: ${JSON.stringify(message.slice(0, 300))}`;
  if (message.length > 2600) return `message of ${message.length} characters`;
  if (INTERNAL.test(message)) return `internal error text: ${message.slice(0, 300)}`;
  if (names.length && !names.some((n) => [n, basename(n)].some((v) => message.includes(v) || message.includes(fileLabel(v))))) return `message names none of ${names.map((n) => basename(n)).join(', ')}: ${message.slice(0, 300)}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The in-process executor

export interface ParserReply {
  outcome: 'accepted' | 'rejected';
  ms: number;
  maxRssKb: number;
  printed: string;
  damaged?: string;
  error?: { isError: boolean; name: string; message: string };
  detail?: string;
  invalid?: string;
}

type Pending = { id: number; resolve: (r: ParserReply | { crash: string }) => void; timer: NodeJS.Timeout };

/** One child process at a time running parser calls; replaced after a hang, a crash or a damaged HDF5 reader. */
export class ParserPool {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private pending?: Pending;
  private nextId = 0;
  private stderr = '';
  /** Peak RSS of every child so far, in KiB. */
  peakRssKb = 0;
  restarts = 0;

  constructor(private readonly timeoutMs: number, private readonly killRssMb = 3072) {}

  private start(): Promise<void> {
    this.stderr = '';
    const child = fork(CHILD, [], { cwd: ROOT, serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, NODE_OPTIONS: '' } });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    child.stdout!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.ready = new Promise((resolve, reject) => {
      child.once('message', (m: { ready?: boolean }) => (m.ready ? resolve() : reject(new Error('parser child did not start'))));
      child.once('exit', (code) => reject(new Error(`parser child exited with ${code} before it was ready: ${this.stderr}`)));
    });
    child.on('message', (m: ParserReply & { id?: number }) => {
      if (this.pending && m.id === this.pending.id) {
        const p = this.pending;
        this.pending = undefined;
        clearTimeout(p.timer);
        this.peakRssKb = Math.max(this.peakRssKb, m.maxRssKb);
        p.resolve(m);
      }
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.pending) {
        const p = this.pending;
        this.pending = undefined;
        clearTimeout(p.timer);
        p.resolve({ crash: `the parser process died (${signal ?? `exit ${code}`}): ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` });
      }
    });
    return this.ready;
  }

  private stop(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
  }

  async run(op: string, args: Record<string, unknown>): Promise<ParserReply | { crash: string }> {
    if (!this.child) {
      if (this.peakRssKb || this.nextId) this.restarts++;
      await this.start();
    }
    await this.ready;
    const id = ++this.nextId;
    const stderrBefore = this.stderr.length;
    const result = await new Promise<ParserReply | { crash: string }>((resolve) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.stop();
        resolve({ crash: `hang: no answer within ${this.timeoutMs / 1000} s` });
      }, this.timeoutMs);
      const memory = setInterval(() => {
        const rss = this.child?.pid ? rssMb(this.child.pid) : 0;
        if (rss > this.killRssMb && this.pending?.id === id) {
          clearTimeout(timer);
          this.pending = undefined;
          this.stop();
          resolve({ crash: `memory: the parser process reached ${Math.round(rss)} MB (killed above ${this.killRssMb} MB)` });
        }
      }, 100);
      this.pending = { id, resolve: (r) => (clearInterval(memory), resolve(r)), timer };
      this.child!.send({ id, op, args });
    });
    if (!('crash' in result)) {
      // Native code writing to the real stderr (libvips, HDF5 outside the capture) during this case.
      const native = this.stderr.slice(stderrBefore).trim();
      if (native) result.printed = `${result.printed}${native}`;
      if (result.damaged) this.stop(); // the next case gets a fresh HDF5 reader
    }
    return result;
  }

  close(): void {
    this.stop();
  }
}

/** Current RSS of a process in MB (0 when it is gone). */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Judge an in-process reply: `names` are the files a rejection must name (none for text parsers). */
export function judgeParser(reply: ParserReply | { crash: string }, names: string[], rssLimitMb: number): Omit<Outcome, 'family' | 'index' | 'what'> {
  if ('crash' in reply) return { kind: 'failed', ms: 0, failure: reply.crash };
  const rssMbValue = reply.maxRssKb / 1024;
  const base = { ms: reply.ms, rssMb: rssMbValue };
  if (reply.printed) return { ...base, kind: 'failed', failure: `printed: ${JSON.stringify(reply.printed.slice(0, 300))}` };
  if (rssMbValue > rssLimitMb) return { ...base, kind: 'failed', failure: `peak RSS ${Math.round(rssMbValue)} MB, over ${rssLimitMb} MB` };
  if (reply.outcome === 'accepted') return reply.invalid ? { ...base, kind: 'failed', failure: `accepted but invalid: ${reply.invalid}` } : { ...base, kind: 'accepted' };
  const e = reply.error!;
  if (!e.isError) return { ...base, kind: 'failed', failure: `threw a non-Error: ${e.message.slice(0, 200)}` };
  if (e.name !== 'Error') return { ...base, kind: 'failed', failure: `threw ${e.name}: ${e.message.slice(0, 300)}` };
  const problem = messageProblem(e.message, names);
  return problem ? { ...base, kind: 'failed', failure: problem } : { ...base, kind: 'rejected' };
}

// ---------------------------------------------------------------------------------------------
// The CLI runner

export interface CliCase {
  args: string[];
  what: string;
  /** Files an error line may name (inputs, the output folder). */
  files: string[];
  /** Files that must be byte-identical after the run (inputs, files already in the output folder). */
  inputs?: string[];
  /** The output folder to check for temporary files and half-written outputs. */
  out?: string;
  /** Files (relative to `out`) that must exist after exit 0. */
  expectOutputs?: string[];
  /** Failing runs must leave no new file in `out` (one input image). */
  noOutputsOnFailure?: boolean;
  /** Send this signal `afterMs` after the start, or after the first output on stdout (the CLI is running). */
  signal?: { name: 'SIGINT' | 'SIGTERM'; afterMs: number; afterStdout?: boolean };
  /** Extra checks on the finished run. */
  check?: (r: CliRun) => string | undefined;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  rssMb?: number;
  timedOut: boolean;
  killedForMemory?: number;
}

let rssCounter = 0;

/** Run the built CLI with its peak RSS recorded (rss-preload.mjs), killed after `timeoutMs` or above `killRssMb`. */
export function runCliCase(args: string[], options: { timeoutMs: number; signal?: CliCase['signal']; killRssMb?: number; rssDir: string }): Promise<CliRun> {
  const rssFile = join(options.rssDir, `.rss-${process.pid}-${++rssCounter}`);
  const started = Date.now();
  return new Promise((resolve) => {
    // An argument cannot hold a NUL byte (execve): drop them, as a shell would never pass them.
    const argv = args.map((a) => a.replaceAll('\0', ''));
    const child = spawn(process.execPath, ['--import', RSS_PRELOAD, CLI_MAIN, ...argv], {
      cwd: ROOT,
      env: { ...process.env, DEBUG: '', NODE_OPTIONS: '', FUZZ_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalTimer: NodeJS.Timeout | undefined;
    const sendSignal = () => (signalTimer = setTimeout(() => child.kill(options.signal!.name), options.signal!.afterMs));
    if (options.signal && !options.signal.afterStdout) sendSignal();
    child.stdout.on('data', (d: Buffer) => {
      if (!stdout && options.signal?.afterStdout && !signalTimer) sendSignal();
      stdout = (stdout + d.toString()).slice(-100_000);
    });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-100_000)));
    let timedOut = false;
    let killedForMemory: number | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const memory = setInterval(() => {
      const rss = child.pid ? rssMb(child.pid) : 0;
      if (rss > (options.killRssMb ?? 4096)) {
        killedForMemory = rss;
        child.kill('SIGKILL');
      }
    }, 100);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signalTimer) clearTimeout(signalTimer);
      clearInterval(memory);
      let rss: number | undefined;
      try {
        rss = Number(readFileSync(rssFile, 'utf8')) / 1024;
        rmSync(rssFile, { force: true });
      } catch {
        rss = undefined;
      }
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, rssMb: rss, timedOut, killedForMemory });
    });
  });
}

/** Every file under a folder (relative paths; the folder itself may be a link, links inside are listed, not followed). */
export function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  let entries: string[];
  try {
    if (!(prefix ? lstatSync(dir) : statSync(dir)).isDirectory()) return [];
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    let isDir = false;
    try {
      isDir = lstatSync(path).isDirectory();
    } catch {
      // vanished
    }
    return isDir ? listFiles(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

export function hashFile(path: string): string {
  try {
    const s = lstatSync(path);
    if (!s.isFile()) return `not a file (${s.mode})`;
    return createHash('sha1').update(readFileSync(path)).digest('hex');
  } catch (error) {
    return `missing (${(error as NodeJS.ErrnoException).code})`;
  }
}

const STDERR_LINE = /^(error|warning|note|model): |^interrupted by SIG(INT|TERM)/;

/** Judge a finished CLI run against the contract: exit code, one clear line, no leftovers, inputs intact. */
export function judgeCli(c: CliCase, r: CliRun, before: { inputs: Map<string, string>; outFiles: Set<string> }, rssLimitMb: number): Omit<Outcome, 'family' | 'index' | 'what'> {
  const base = { ms: r.ms, rssMb: r.rssMb };
  const fail = (failure: string) => ({ ...base, kind: 'failed' as const, failure: `${failure}\n    args: ${c.args.map((a) => JSON.stringify(a).slice(0, 200)).join(' ')}\n    stderr: ${JSON.stringify(r.stderr.slice(0, 600))}` });
  if (r.killedForMemory) return fail(`memory: RSS reached ${Math.round(r.killedForMemory)} MB`);
  if (r.timedOut) return fail(`hang: no exit within the case time limit (${Math.round(r.ms / 1000)} s)`);
  if (r.signal) {
    // Our own signal before the CLI set its handlers (while its modules load) or after it
    // finished (while Node tears down): the default action ended it. Fine if nothing was said and
    // every image still has all of its files or none (the case's check).
    if (c.signal && r.signal === c.signal.name && !r.stderr.trim()) {
      const problem = c.check?.(r);
      return problem ? fail(`killed by ${r.signal}: ${problem}`) : { ...base, kind: 'interrupted' };
    }
    return fail(`killed by ${r.signal}`);
  }
  const allowed = c.signal ? [0, 1, 2, 130, 143] : [0, 1, 2];
  if (r.code === null || !allowed.includes(r.code)) return fail(`exit code ${r.code}`);
  if (r.rssMb !== undefined && r.rssMb > rssLimitMb) return fail(`peak RSS ${Math.round(r.rssMb)} MB, over ${rssLimitMb} MB`);
  if (UNSAFE.test(r.stderr)) return fail('control characters on stderr');
  if (/\n\s+at .+[:(]\d+/.test(`\n${r.stderr}`)) return fail('a stack trace on stderr without --verbose');
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  const odd = lines.find((l) => !STDERR_LINE.test(l) && !/^\S.* \d+\/\d+ \(/.test(l));
  if (odd) return fail(`unexpected stderr line: ${odd.slice(0, 200)}`);
  const errors = lines.filter((l) => l.startsWith('error: '));
  if (r.code === 0 && errors.length) return fail('exit 0 with an error line');
  if ((r.code === 1 || r.code === 2) && errors.length !== 1) return fail(`exit ${r.code} with ${errors.length} error lines`);
  if (r.code === 1 || r.code === 2) {
    const line = errors[0];
    const namesOption = /--[a-z][a-z-]*|unknown command|IMAGE|needs at least one|no image/.test(line);
    // A file the case made, or any operand it passed (an argument edit can put a made-up path, or
    // '-', where a file was), named as messages name files (fileLabel) or by its base name.
    const operands = c.args.filter((a, i) => i > 0 && (a === '-' || (!a.startsWith('-') && !c.args[i - 1].startsWith('--'))));
    const namesFile = [...c.files, ...operands, c.out ?? ''].filter(Boolean).some((f) => [f, basename(f)].some((v) => line.includes(v) || line.includes(fileLabel(v))));
    if (r.code === 2 && !namesOption) return fail('a usage error that names no option');
    if (r.code === 1 && !namesFile && !namesOption) return fail('a bad-input error that names no file');
    if (line.length > 2600) return fail(`an error line of ${line.length} characters`);
    if (INTERNAL.test(line)) return fail('internal error text on the error line');
  }
  if (c.signal && (r.code === 130 || r.code === 143) && !lines.some((l) => l.startsWith('interrupted by '))) return fail('interrupted without saying so');
  for (const [path, hash] of before.inputs) {
    if (hashFile(path) !== hash) return fail(`an input changed or vanished: ${path}`);
  }
  if (c.out) {
    const files = listFiles(c.out);
    const leftover = files.find((f) => /\.tmp$|\.tmp\b|\.partial|\.staging/.test(basename(f)));
    if (leftover) return fail(`temporary file left: ${leftover}`);
    const added = files.filter((f) => !before.outFiles.has(f));
    if (r.code === 0) {
      const missing = (c.expectOutputs ?? []).find((f) => !files.includes(f));
      if (missing) return fail(`exit 0 but ${missing} was not written (wrote: ${added.join(', ') || 'nothing'})`);
    } else if (c.noOutputsOnFailure && !c.signal && added.length) {
      return fail(`failed but left outputs: ${added.join(', ')}`);
    }
  }
  const extra = c.check?.(r);
  if (extra) return fail(extra);
  const kind = r.code === 0 ? 'accepted' : r.code === 1 ? 'rejected' : r.code === 2 ? 'usage' : 'interrupted';
  return { ...base, kind };
}

/** Run and judge one CLI case. */
export async function cliOutcome(c: CliCase, settings: FuzzSettings, rssDir: string): Promise<Omit<Outcome, 'family' | 'index' | 'what'>> {
  const inputs = new Map((c.inputs ?? []).map((p) => [p, hashFile(p)] as const));
  const outFiles = new Set(c.out ? listFiles(c.out) : []);
  const r = await runCliCase(c.args, { timeoutMs: settings.caseTimeoutMs, signal: c.signal, rssDir });
  return judgeCli(c, r, { inputs, outFiles }, settings.rssLimitMb);
}
