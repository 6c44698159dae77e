/**
 * A thread that draws, encodes and writes images' files for a streaming run (explain-stream.ts),
 * so the main thread keeps feeding the runtime while pictures are made: drawing is plain
 * JavaScript and would otherwise take the main thread's time between runtime calls. It runs
 * the same writeImageOutputs as every other path and reports each file once it exists.
 */
import { parentPort } from 'node:worker_threads';
import type { Explanation } from '@yolo-saliency/core';
import type { ExplainSettings } from './explain-settings.js';
import { writeImageOutputs } from './image-explanation.js';
import type { ImageInput } from './image-input.js';

export interface RenderJob {
  id: number;
  /** The image without its network input (drawing does not read it). */
  prepared: Omit<ImageInput, 'input'>;
  explanation: Explanation;
  settings: ExplainSettings;
}

export type RenderMessage = { id: number; file: string } | { id: number; result: unknown } | { id: number; error: string; code?: string };

const port = parentPort;
if (!port) throw new Error('render-thread.js runs as a worker thread');

port.on('message', (job: RenderJob) => {
  const outputs = {
    async write(path: string, writer: (path: string) => Promise<void>): Promise<string> {
      await writer(path);
      port.postMessage({ id: job.id, file: path } satisfies RenderMessage);
      return path;
    },
  };
  writeImageOutputs(job.prepared, job.explanation, job.settings, outputs).then(
    (result) => port.postMessage({ id: job.id, result } satisfies RenderMessage),
    (error: unknown) => port.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error), code: (error as { code?: string }).code } satisfies RenderMessage),
  );
});
