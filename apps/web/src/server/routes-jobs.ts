/**
 * Jobs: detect and explain on the server's runtime. Queued, streamed (server-sent events),
 * cancellable; results kept for a while for downloads.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { METHOD_NAMES, parseTarget } from '@yolo-saliency/core';
import type { MethodName } from '@yolo-saliency/core';
import { encodeNpy, runtimeNames } from '@yolo-saliency/node';
import type { JobEvent, JobRequest, JobResult } from '../shared/api.js';
import { float32ToBase64, toThreeChannels } from '../shared/raw-map.js';
import type { Catalog } from './catalog.js';
import type { ComputeResult } from './compute-protocol.js';
import { HttpError } from './http-error.js';
import type { Job, JobQueue } from './jobs.js';
import { errorResponses } from './schemas.js';

export interface JobsContext {
  catalog: Catalog;
  queue: JobQueue;
}

interface StoredResult {
  json: JobResult;
  maps: Map<string, { dims: number[]; data: Float32Array }>;
}

const jobParams = { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] } as const;

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

export function registerJobRoutes(app: FastifyInstance, { catalog, queue }: JobsContext): void {
  /** Check a request and queue its job. */
  async function submit(req: FastifyRequest): Promise<Job<StoredResult>> {
    const body = req.body as JobRequest;
    const runtime = body.runtime ?? 'auto';
    if (!runtimeNames().includes(runtime)) throw new HttpError(400, `unknown runtime '${runtime}' (choose ${runtimeNames().join(', ')})`);
    const backend = body.backend && body.backend !== 'auto' ? body.backend : undefined;
    if (backend && !/^[a-z0-9-]{1,32}$/.test(backend)) throw new HttpError(400, `unknown backend '${backend}'`);
    const { ref, info } = await catalog.modelRef(req.session, body.model);
    const imagePath = await catalog.imagePath(req.session, body.image);
    const common = { model: ref, imagePath, runtime, ...(backend ? { backend } : {}) };
    const inline = !!body.inlineMaps;
    const convert = (output: unknown, id: string) => storedResult(output as ComputeResult, body, id, inline);
    if (body.kind === 'detect') return queue.submit(req.session.id, 'detect', { type: 'detect', ...common }, convert);

    const target = body.target ?? 'top';
    try {
      parseTarget(target);
    } catch (error) {
      throw new HttpError(400, `target: ${firstLine(error)}`);
    }
    if (/class:/.test(target)) {
      const names = [...target.matchAll(/class:([^/+]+)/g)].map((m) => m[1]);
      const unknown = names.find((n) => !info.classNames.includes(n));
      if (unknown) throw new HttpError(400, `target: the model has no class '${unknown}' (its classes: ${info.classNames.slice(0, 20).join(', ')}${info.classNames.length > 20 ? ', ...' : ''})`);
    }
    const methods: MethodName[] = body.methods ?? ['vanilla'];
    return queue.submit(req.session.id, 'explain', { type: 'explain', ...common, target, methods, steps: body.steps, samples: body.samples, noise: body.noise }, convert);
  }

  function status(job: Job) {
    const stored = job.result as StoredResult | undefined;
    return { ...queue.status(job), ...(stored ? { result: stored.json } : {}) };
  }

  function findJob(req: FastifyRequest): Job {
    const job = queue.get((req.params as { id: string }).id, req.session.id);
    if (!job) throw new HttpError(404, 'no such job (finished jobs are kept for a while, then deleted)');
    return job;
  }

  app.post('/api/jobs', {
    schema: {
      tags: ['jobs'],
      summary: 'Queue a detect or explain job on the server',
      description: 'Answers at once with the job\'s state and place in the queue; follow it with GET /api/jobs/{id}/events or GET /api/jobs/{id}?wait=S.',
      body: { $ref: 'JobRequest#' },
      response: { 202: { $ref: 'JobStatus#' }, 429: { $ref: 'Error#' }, 503: { $ref: 'Error#' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      const job = await submit(req);
      return reply.code(202).send(status(job));
    },
  });

  app.get('/api/jobs/:id', {
    schema: {
      tags: ['jobs'],
      summary: "A job's state, place in the queue, progress, and result once done",
      params: jobParams,
      querystring: { type: 'object', properties: { wait: { type: 'number', minimum: 0, maximum: 60, description: 'wait up to this many seconds for the job to finish' } } },
      response: { 200: { $ref: 'JobStatus#' }, ...errorResponses },
    },
    handler: async (req) => {
      const job = findJob(req);
      const wait = (req.query as { wait?: number }).wait ?? 0;
      if (wait > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([job.settled, new Promise<void>((r) => (timer = setTimeout(r, wait * 1000)))]);
        clearTimeout(timer);
      }
      return status(job);
    },
  });

  app.delete('/api/jobs/:id', {
    schema: {
      tags: ['jobs'],
      summary: 'Cancel a job (queued or running) and forget it and its maps',
      params: jobParams,
      response: { 200: { $ref: 'JobStatus#' }, ...errorResponses },
    },
    handler: async (req) => {
      const job = findJob(req);
      queue.remove(job);
      if (job.state === 'running') {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([job.settled, new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
        clearTimeout(timer);
      }
      return queue.status(job);
    },
  });

  app.get('/api/jobs/:id/events', {
    schema: {
      tags: ['jobs'],
      summary: "A job's events as server-sent events: queued (position), started, progress (method, done, total), then done (result), failed (error) or cancelled",
      params: jobParams,
      produces: ['text/event-stream'],
      response: { 200: { type: 'string', description: 'text/event-stream; each `data:` line is one JobEvent as JSON' }, ...errorResponses },
    },
    handler: (req, reply) => streamEvents(req, reply, findJob(req), queue),
  });

  app.get('/api/jobs/:id/maps/:method', {
    schema: {
      tags: ['jobs'],
      summary: "A finished job's raw map: float32 [H, W, 3] .npy at the network input size (as the CLI's --save-raw)",
      params: {
        type: 'object',
        properties: { id: jobParams.properties.id, method: { type: 'string', enum: METHOD_NAMES.map((m) => `${m}.npy`) } },
        required: ['id', 'method'],
      },
      produces: ['application/octet-stream'],
      response: { 200: { type: 'string', format: 'binary' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      const job = findJob(req);
      const method = (req.params as { method: string }).method.replace(/\.npy$/, '');
      const map = (job.result as StoredResult | undefined)?.maps.get(method);
      if (!map) throw new HttpError(404, `job ${job.id} has no ${method} map`);
      const bytes = encodeNpy(toThreeChannels(map));
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${method}.npy"`)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  });

  app.post('/api/explain', {
    schema: {
      tags: ['jobs'],
      summary: 'Queue a job and answer when it is done (for scripts): the result, maps inline with inlineMaps',
      description: 'The job waits in the same queue as the page\'s. If the client goes away, the job is cancelled.',
      body: { $ref: 'JobRequest#' },
      response: { 200: { $ref: 'JobResult#' }, 409: { $ref: 'Error#' }, 422: { $ref: 'Error#' }, 429: { $ref: 'Error#' }, 503: { $ref: 'Error#' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      const job = await submit(req);
      const gone = () => {
        if (job.state === 'queued' || job.state === 'running') queue.remove(job);
      };
      req.raw.once('close', gone);
      await job.settled;
      req.raw.off('close', gone);
      if ((req.body as JobRequest).inlineMaps) queue.remove(job);
      if (job.state === 'cancelled') throw new HttpError(409, 'the job was cancelled');
      if (job.state !== 'done') throw new HttpError(422, job.error ?? 'the job failed');
      return reply.send((job.result as StoredResult).json);
    },
  });
}

function storedResult(output: ComputeResult, body: JobRequest, id: string, inline: boolean): StoredResult {
  const maps = new Map<string, { dims: number[]; data: Float32Array }>();
  const json: JobResult = {
    kind: body.kind,
    where: 'server',
    runtime: output.runtime,
    model: body.model,
    image: body.image,
    inputSize: output.inputSize,
    letterbox: output.letterbox,
    detections: output.detections,
    ...(output.target ? { target: output.target } : {}),
    ...(output.maps
      ? {
          maps: output.maps.map((m) => {
            if (!inline) maps.set(m.method, { dims: m.dims, data: m.data });
            return {
              method: m.method,
              milliseconds: m.milliseconds,
              targetValue: m.targetValue,
              ...(m.completenessError !== undefined ? { completenessError: m.completenessError } : {}),
              dims: m.dims,
              ...(inline ? { data: float32ToBase64(m.data) } : { npy: `/api/jobs/${id}/maps/${m.method}.npy` }),
            };
          }),
        }
      : {}),
    milliseconds: output.milliseconds,
  };
  return { json, maps };
}

/** Server-sent events until the job settles or the client goes. */
function streamEvents(req: FastifyRequest, reply: FastifyReply, job: Job, queue: JobQueue): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-content-type-options': 'nosniff',
  });
  const write = (event: JobEvent) => raw.write(`data: ${JSON.stringify(event)}\n\n`);
  const finished = (): JobEvent | undefined => {
    const stored = job.result as StoredResult | undefined;
    if (job.state === 'done') return { type: 'done', result: stored!.json };
    if (job.state === 'failed') return { type: 'failed', error: job.error ?? 'failed' };
    if (job.state === 'cancelled') return { type: 'cancelled' };
    return undefined;
  };
  const end = finished();
  if (end) {
    write(end);
    raw.end();
    return;
  }
  // The state so far, then what happens next.
  const position = queue.position(job);
  if (position) write({ type: 'queued', position });
  else {
    write({ type: 'started' });
    if (job.progress) write({ type: 'progress', ...job.progress });
  }
  const ping = setInterval(() => raw.write(': ping\n\n'), 15_000);
  let unsubscribe = () => {};
  const close = () => {
    clearInterval(ping);
    unsubscribe();
  };
  unsubscribe = queue.subscribe(job, (event) => {
    if (event.type === 'done') {
      write({ type: 'done', result: (job.result as StoredResult).json });
    } else write(event);
    if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') {
      close();
      raw.end();
    }
  });
  req.raw.once('close', close);
}
