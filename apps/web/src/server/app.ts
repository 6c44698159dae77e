/**
 * The web server: the API (routes-files.ts, routes-jobs.ts), the built page, security
 * headers, and the OpenAPI document of the routes. `startServer({ port: 0 })` is what tests
 * and `pnpm web` call.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import { Catalog } from './catalog.js';
import { ComputePool } from './compute-pool.js';
import type { RuntimesResponse } from '../shared/api.js';
import { defaultConfig, type WebConfig } from './config.js';
import { HttpError } from './http-error.js';
import { JobQueue } from './jobs.js';
import { registerFileRoutes } from './routes-files.js';
import { registerJobRoutes } from './routes-jobs.js';
import { ALL_SCHEMAS, errorResponses } from './schemas.js';
import { Sessions, type Session } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session;
  }
}

export const SESSION_COOKIE = 'ys_session';

/** The built page, when `vite build` has run. */
export function defaultClientDir(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dir = join(here, here.includes('/src/') ? '../../dist/client' : '../client');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

export interface WebServer {
  app: FastifyInstance;
  config: WebConfig;
  queue: JobQueue;
  /** The address it listens on (after listen). */
  url?: string;
  close(): Promise<void>;
}

export interface ServerOptions extends Partial<WebConfig> {
  /** Start no compute processes (for writing the OpenAPI document). */
  compute?: boolean;
}

export async function buildServer(options: ServerOptions = {}): Promise<WebServer> {
  const config: WebConfig = { ...defaultConfig(), clientDir: defaultClientDir(), ...options };
  await mkdir(config.dataDir, { recursive: true });
  const root = await mkdtemp(join(config.dataDir, 'server-'));

  const app = Fastify({
    logger: config.logger ? { level: 'info' } : false,
    bodyLimit: 1 << 20,
    // A hostile client must not keep sockets forever.
    requestTimeout: 120_000,
    connectionTimeout: 0,
    keepAliveTimeout: 10_000,
  });

  const log = (line: string) => app.log.warn(line);
  const pool = new ComputePool(options.compute === false ? 0 : config.maxRunningJobs, { timeoutMs: config.jobTimeoutMs, log: config.logger ? log : undefined });
  const queue = new JobQueue(pool, config);
  const sessions = new Sessions(root, config.sessionTtlMs, (session) => queue.removeSession(session.id));
  const catalog = new Catalog();
  const expiry = setInterval(() => queue.expire(), 30_000);
  expiry.unref();

  for (const schema of ALL_SCHEMAS) app.addSchema(schema);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'yolo-saliency web API',
        version: '0.1.0',
        description:
          'What the yolo-saliency page uses: models and images (bundled or uploaded per session), detect and explain jobs on the server\'s runtime (queued, streamed as server-sent events, cancellable), raw maps. Sessions are a cookie (ys_session).',
      },
      tags: [
        { name: 'models and images', description: 'the catalog and uploads' },
        { name: 'jobs', description: 'detect and explain on the server' },
        { name: 'server', description: 'health, runtimes, this document' },
      ],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // WebAssembly (tfjs's wasm backend, h5wasm) needs wasm-unsafe-eval; nothing needs eval.
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", 'data:', 'blob:'],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    // Served over plain http on localhost: HSTS would only confuse a later https elsewhere.
    strictTransportSecurity: false,
    // Same-origin only: the API answers the page, not other sites.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.maxModelFileBytes, files: 3, fields: 4, parts: 8, headerPairs: 200, fieldSize: 1024 },
  });

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const cookie = req.cookies[SESSION_COOKIE];
    req.session = sessions.touch(cookie);
    if (cookie !== req.session.id) {
      reply.setCookie(SESSION_COOKIE, req.session.id, { path: '/', httpOnly: true, sameSite: 'strict', maxAge: Math.round(config.sessionTtlMs / 1000) });
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
    // An upload refused half-way leaves unread bytes on the socket: close it after the answer.
    if (req.isMultipart()) reply.header('connection', 'close');
    if (error instanceof HttpError) return reply.code(error.statusCode).send({ error: error.message });
    if (error.validation) return reply.code(400).send({ error: `invalid request: ${error.message}` });
    if (error.code === 'FST_REQ_FILE_TOO_LARGE' || error.code === 'FST_FILES_LIMIT' || error.code === 'FST_PARTS_LIMIT') {
      return reply.code(413).send({ error: error.message });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.message.split('\n')[0] });
    req.log.error(error);
    return reply.code(500).send({ error: 'internal error (the server logged it)' });
  });

  app.get('/api/health', {
    schema: { tags: ['server'], summary: 'Liveness, the queue, sessions and memory', response: { 200: { $ref: 'Health#' } } },
    handler: async () => {
      const memory = process.memoryUsage();
      const compute = await pool.residentMb();
      return {
        ok: true,
        jobs: queue.counts,
        sessions: sessions.count,
        memory: { rssMb: Math.round(memory.rss / 2 ** 20), heapUsedMb: Math.round(memory.heapUsed / 2 ** 20), ...(compute !== undefined ? { computeRssMb: compute } : {}) },
      };
    },
  });

  // What the server's runtimes are, as `doctor` says: asked of a compute process once.
  let runtimes: Promise<RuntimesResponse> | undefined;
  app.get('/api/runtimes', {
    schema: { tags: ['server'], summary: "The server's runtimes, backends and devices, and what `auto` picks (as the CLI's doctor)", response: { 200: { $ref: 'Runtimes#' }, ...errorResponses } },
    handler: async (req) => {
      if (!runtimes) {
        const job = queue.submit(req.session.id, 'runtimes', { type: 'runtimes' }, (output) => output as RuntimesResponse, false);
        runtimes = job.settled.then(() => {
          if (job.state !== 'done') throw new HttpError(503, `the runtimes could not be listed: ${job.error}`);
          return job.result!;
        });
        runtimes.catch(() => (runtimes = undefined));
      }
      return runtimes;
    },
  });

  registerFileRoutes(app, { config, catalog, sessions, queue });
  registerJobRoutes(app, { catalog, queue });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (config.clientDir) {
    await app.register(fastifyStatic, { root: config.clientDir, index: ['index.html'], cacheControl: true, maxAge: 0 });
  }
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `not found: ${req.method} ${req.url.split('?')[0].slice(0, 200)}` }));

  const server: WebServer = {
    app,
    config,
    queue,
    async close() {
      clearInterval(expiry);
      await app.close();
      await pool.close();
      await sessions.close();
    },
  };
  return server;
}

/** Build and listen; `port: 0` picks a free port (server.url says which). */
export async function startServer(options: ServerOptions & { port?: number; host?: string } = {}): Promise<WebServer> {
  const { port = 8080, host = '127.0.0.1', ...rest } = options;
  const server = await buildServer(rest);
  try {
    await server.app.listen({ port, host });
  } catch (error) {
    await server.close();
    throw error;
  }
  const address = server.app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  server.url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  return server;
}
