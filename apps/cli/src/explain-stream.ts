/**
 * `explain` over a folder or a pattern: a small pipeline in which decoding, computing and
 * writing overlap. Images are decoded ahead of the compute (up to two batches, within the
 * memory budget), computed a batch at a time (one forward and one backward per rule for the
 * whole batch, core's explainBatch), and drawn, encoded and written behind it while the next
 * batch computes. The runtimes compute on their own threads (ONNX Runtime, the addon) and
 * sharp encodes on libuv's, so the three stages share the machine's cores. Each image's files
 * are an OutputSet: written atomically, rolled back if the image fails or a signal arrives.
 */
import { readdir, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { LoadedModel } from '@yolo-saliency/core';
import { readImageSize } from '@yolo-saliency/node';
import { oneLine, printError } from './cli-errors.js';
import type { ImageFailure } from './each-image.js';
import { outputSuffixes, type ExplainSettings } from './explain-settings.js';
import { explainPrepared, writeImageOutputs, type ExplainOutcome, type ImageJson } from './image-explanation.js';
import { readImageInput, type ImageInput, type ReadOptions } from './image-input.js';
import { interruption, withInterruptHandler } from './interrupt.js';
import type { NamedImage } from './output-names.js';
import { OutputSet } from './output-set.js';
import type { Progress } from './progress.js';
import { RenderPool } from './render-pool.js';

export interface StreamRequest {
  images: readonly NamedImage[];
  model: LoadedModel;
  inputSize: [number, number];
  settings: ExplainSettings;
  read: ReadOptions;
  /** Images per runtime call. */
  imagesPerCall: number;
  progress: Progress;
  /** The progress bar's label. */
  label: string;
  /** Threads that draw and write the files (0: this thread does). */
  renderThreads?: number;
  verbose: boolean;
  /**
   * Files after `<stem>` to remove when an image fails (a dataset run: files of an earlier run
   * with other settings must not pass for this run's, nor make a later run skip the image).
   */
  removeOnFailure?: readonly string[];
  /** Said after "interrupted by SIGINT: ..." (e.g. how many images were skipped), and run on a signal. */
  onInterrupt?: (done: { results: readonly ImageJson[]; errors: readonly ImageFailure[] }) => Promise<string | undefined>;
}

export interface StreamResult {
  /** In the order of `images`. */
  results: ImageJson[];
  errors: ImageFailure[];
}

interface Decoded {
  index: number;
  image: NamedImage;
  prepared?: ImageInput;
  error?: unknown;
  /** Bytes held in the memory gate until the image's files are written. */
  bytes: number;
}

/**
 * Bytes of images in flight (decoded, computing or being written) beside the model: a new image
 * waits until it fits, and always starts when nothing else is in flight (readImageInput refuses
 * an image that does not fit alone).
 */
class MemoryGate {
  private used = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly room: number) {}

  async acquire(bytes: number): Promise<void> {
    while (this.used > 0 && this.used + bytes > this.room) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((wake) => wake());
  }
}

export async function streamExplain(r: StreamRequest): Promise<StreamResult> {
  const { images, settings, progress } = r;
  const results: Array<{ index: number; json: ImageJson }> = [];
  const errors: Array<{ index: number; failure: ImageFailure }> = [];
  /** Images whose files are being written, with how to undo them (returns the files removed). */
  const writing = new Map<string, () => Promise<number>>();
  const memory = r.read.memory;
  const gate = new MemoryGate(memory ? memory.budget.bytes - memory.runBytes : Number.POSITIVE_INFINITY);
  const total = images.length;
  const done = () => results.length + errors.length;
  progress.start(r.label, total);

  const fail = async (index: number, image: NamedImage, error: unknown) => {
    const { path } = image;
    if (r.removeOnFailure) await Promise.all(r.removeOnFailure.map((suffix) => rm(join(settings.out, `${image.stem}${suffix}`), { force: true })));
    errors.push({ index, failure: { image: path, error: oneLine(error) } });
    // Clear the bar's line (on a terminal) for the error; the next update redraws it.
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    printError(error, r.verbose);
    progress.update(done());
  };

  const decode = async (index: number): Promise<Decoded> => {
    const image = images[index];
    const bytes = memory ? await imageBytes(image.path, r.inputSize, memory.bytesPerPixel) : 0;
    await gate.acquire(bytes);
    try {
      return { index, image, bytes, prepared: await readImageInput(image.path, r.inputSize, { ...r.read, stem: image.stem }) };
    } catch (error) {
      return { index, image, bytes, error };
    }
  };

  // The write stage: render threads when the run has them, else this thread (one OutputSet per image).
  const pool = r.renderThreads ? new RenderPool(r.renderThreads) : undefined;
  const suffixes = outputSuffixes(settings);

  const write = async (d: Decoded & { prepared: ImageInput }, outcome: ExplainOutcome) => {
    const outputs = new OutputSet();
    let reported: string[] = [];
    const stop = async (): Promise<number> => {
      if (!pool) {
        await outputs.close();
        const n = outputs.files.length;
        await outputs.rollback();
        return n;
      }
      // The threads are stopped: remove every file of the image, reported or not (a thread may have renamed one just before it stopped).
      const files = [...new Set([...reported, ...suffixes.map((x) => join(settings.out, `${d.image.stem}${x}`))])];
      const removed = await Promise.all(files.map((f) => rm(f).then(() => 1, () => 0)));
      return removed.reduce<number>((a, b) => a + b, 0);
    };
    writing.set(d.image.path, stop);
    try {
      if (outcome.error) throw outcome.error;
      let json: ImageJson;
      if (pool) {
        const job = pool.render(d.prepared, outcome.explanation, settings);
        reported = job.files;
        json = await job.done;
      } else {
        json = await writeImageOutputs(d.prepared, outcome.explanation, settings, outputs);
      }
      results.push({ index: d.index, json });
      progress.update(done());
    } catch (error) {
      // After a signal the handler rolls back, reports and exits; a write refused meanwhile is no failure to print.
      if (interruption()) await new Promise(() => {});
      await outputs.rollback();
      await Promise.all(reported.map((f) => rm(f, { force: true })));
      await fail(d.index, d.image, error);
    } finally {
      writing.delete(d.image.path);
      gate.release(d.bytes);
    }
  };

  const onSignal = async () => {
    progress.done();
    await pool?.close();
    const sets = [...writing.entries()];
    const removed = (await Promise.all(sets.map(([, stop]) => stop()))).reduce((a, b) => a + b, 0);
    if (pool) await removeOwnTemporaryFiles(settings.out);
    const extra = await r.onInterrupt?.({ results: results.map((x) => x.json), errors: errors.map((x) => x.failure) });
    const names = sets.map(([path]) => basename(path)).join(', ');
    const rolled = sets.length ? `${names} ${removed ? `rolled back (${removed} file(s) removed)` : 'stopped before writing'}; ` : '';
    return `${rolled}${done()} of ${total} image(s) done${extra ? `; ${extra}` : ''}`;
  };

  await withInterruptHandler(onSignal, async () => {
    // Decoding runs up to two batches ahead of the compute.
    const ahead = Math.max(2, 2 * r.imagesPerCall);
    const pending: Array<Promise<Decoded>> = [];
    let next = 0;
    const refill = () => {
      while (next < total && pending.length < ahead) pending.push(decode(next++));
    };
    refill();
    let written: Promise<unknown> = Promise.resolve();
    while (pending.length > 0) {
      const batch: Array<Decoded & { prepared: ImageInput }> = [];
      while (batch.length < r.imagesPerCall && pending.length > 0) {
        const d = await pending.shift()!;
        refill();
        if (d.prepared) batch.push(d as Decoded & { prepared: ImageInput });
        else {
          gate.release(d.bytes);
          await fail(d.index, d.image, d.error);
        }
      }
      if (batch.length === 0) continue;
      let outcomes: ExplainOutcome[];
      try {
        outcomes = await explainPrepared(r.model, batch.map((d) => d.prepared), settings);
      } catch (fatal) {
        // The runtime is unusable: finish the files being written, then stop the run.
        await written;
        throw fatal;
      }
      // The previous batch's files are written before this batch's start: at most one batch computes while one is written.
      await written;
      written = Promise.all(batch.map((d, k) => write(d, outcomes[k])));
    }
    await written;
  }).finally(() => pool?.close());
  progress.done();
  return {
    results: results.sort((a, b) => a.index - b.index).map((x) => x.json),
    errors: errors.sort((a, b) => a.index - b.index).map((x) => x.failure),
  };
}

/**
 * A stopped render thread can leave the temporary file of a write it was in (writeFileAtomic's
 * `.<name>.<pid>.<random>.tmp`, in the output folder): remove this process's.
 */
async function removeOwnTemporaryFiles(out: string): Promise<void> {
  const mine = `.${process.pid}.`;
  const names = await readdir(out).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith('.') && n.endsWith('.tmp') && n.includes(mine)).map((n) => rm(join(out, n), { force: true })));
}

/** What an image holds while in flight: its pixels at `bytesPerPixel` (a .npy input: the network size). */
async function imageBytes(path: string, inputSize: [number, number], bytesPerPixel: number): Promise<number> {
  if (extname(path).toLowerCase() === '.npy') return inputSize[0] * inputSize[1] * bytesPerPixel;
  const size = await readImageSize(path);
  return size ? size.width * size.height * bytesPerPixel : 0;
}
