/** Models and images: the catalog, uploads, and the files the page computes on in the browser. */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_IMAGE_ID, DEFAULT_MODEL_ID, readImage, readImageSize } from '@yolo-saliency/node';
import type { ImageInfo, ModelFileRole, ModelInfo } from '../shared/api.js';
import type { Catalog } from './catalog.js';
import { formatOf } from './catalog.js';
import type { WebConfig } from './config.js';
import type { InspectedModel } from './compute-protocol.js';
import { HttpError } from './http-error.js';
import type { JobQueue } from './jobs.js';
import { newId, type Sessions } from './sessions.js';
import { extensionOf, imageFormat, IMAGE_TYPES, limitFor, MODEL_EXTENSIONS } from './upload-checks.js';
import { storeUpload, type StoredUpload } from './uploads.js';
import { errorResponses } from './schemas.js';
import { readFile, rm } from 'node:fs/promises';
import { basename } from 'node:path';

export interface FilesContext {
  config: WebConfig;
  catalog: Catalog;
  sessions: Sessions;
  queue: JobQueue;
}

const idParams = { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } }, required: ['id'] } as const;

export function registerFileRoutes(app: FastifyInstance, { config, catalog, sessions, queue }: FilesContext): void {
  app.get('/api/catalog', {
    schema: {
      tags: ['models and images'],
      summary: 'The bundled models and images, this session\'s uploads, the defaults the page opens on, and the upload limits',
      response: { 200: { $ref: 'Catalog#' }, ...errorResponses },
    },
    handler: async (req) => {
      return {
        models: await catalog.models(req.session),
        images: await catalog.images(req.session),
        defaultModel: DEFAULT_MODEL_ID,
        defaultImage: DEFAULT_IMAGE_ID,
        limits: {
          maxModelFileBytes: config.maxModelFileBytes,
          maxTextFileBytes: config.maxTextFileBytes,
          maxImageBytes: config.maxImageBytes,
          maxImagePixels: config.maxImagePixels,
          maxRunningJobs: config.maxRunningJobs,
        },
      };
    },
  });

  app.post('/api/models', {
    schema: {
      tags: ['models and images'],
      summary: 'Upload a model: multipart files, a darknet .cfg (+ .weights, + .names), a Keras .h5/.keras or an .onnx (+ .names)',
      description: `Checked by extension and first bytes, loaded once in a compute process, kept for this session only (deleted ${Math.round(config.sessionTtlMs / 60000)} min after its last request).`,
      consumes: ['multipart/form-data'],
      response: { 200: { $ref: 'ModelInfo#' }, 413: { $ref: 'Error#' }, 415: { $ref: 'Error#' }, 429: { $ref: 'Error#' }, 503: { $ref: 'Error#' }, ...errorResponses },
    },
    handler: async (req) => {
      if (!req.isMultipart()) throw new HttpError(415, 'send the model files as multipart/form-data');
      const session = req.session;
      const modelId = `u${newId(12)}`;
      const folder = await sessions.folder(session);
      const stored: StoredUpload[] = [];
      try {
        for await (const part of req.files()) {
          const ext = extensionOf(part.filename);
          const kind = MODEL_EXTENSIONS[ext];
          if (!kind) {
            part.file.resume();
            throw new HttpError(415, `${part.filename ? part.filename.split(/[\\/]/).pop() : 'a file'}: not a model file (expected ${Object.keys(MODEL_EXTENSIONS).join(', ')})`);
          }
          const role = kind === 'weights' ? 'weights' : kind === 'names' ? 'names' : 'model';
          if (stored.some((s) => roleOf(s) === role)) {
            part.file.resume();
            throw new HttpError(400, `more than one ${role} file: send one model (${role === 'model' ? '.cfg, .h5, .keras or .onnx' : `.${role}`}) at a time`);
          }
          const fileExt = kind === 'names' ? '.names' : ext === '.hdf5' ? '.h5' : ext;
          stored.push(await storeUpload(part, kind, limitFor(kind, config), folder, `${modelId}-${role}${fileExt}`));
        }
        const model = stored.find((s) => roleOf(s) === 'model');
        if (!model) throw new HttpError(400, 'no model file: send a .cfg (with its .weights), a .h5, a .keras or an .onnx');
        const weights = stored.find((s) => s.kind === 'weights');
        if (weights && model.kind !== 'cfg') throw new HttpError(400, `${weights.name}: .weights go with a darknet .cfg; ${model.name} carries its own weights`);
        const names = stored.find((s) => s.kind === 'names');
        const ref = { key: `upload:${session.id}:${modelId}`, files: { model: model.path, ...(weights ? { weights: weights.path } : {}), ...(names ? { names: names.path } : {}) } };
        // Parsed in a compute process: a hostile file can take that process down, not the server.
        const job = queue.submit(session.id, 'inspect', { type: 'inspect-model', model: ref }, (output) => output as InspectedModel, false);
        await job.settled;
        if (job.state !== 'done') {
          // The compute process names the files by the names the server gave them: say the user's.
          let message = job.error ?? 'could not be loaded';
          for (const s of stored) message = message.split(basename(s.path)).join(s.name);
          throw new HttpError(400, stored.some((s) => message.startsWith(`${s.name}:`)) ? message : `${model.name}: ${message}`);
        }
        const inspected = job.result!;
        const info: ModelInfo = {
          id: modelId,
          title: [model, weights].filter(Boolean).map((s) => s!.name).join(' + '),
          source: 'upload',
          format: formatOf(model.path),
          trained: inspected.trained,
          classNames: inspected.classNames,
          inputSize: inspected.inputSize,
          description: inspected.description.replace(/^[^ ]+/, model.name),
          files: stored.map((s) => ({ role: roleOf(s), name: s.name, bytes: s.bytes })),
        };
        session.models.set(modelId, { info, ref });
        return info;
      } catch (error) {
        await Promise.all(stored.map((s) => rm(s.path, { force: true })));
        throw error;
      }
    },
  });

  app.post('/api/images', {
    schema: {
      tags: ['models and images'],
      summary: 'Upload an image (JPEG, PNG, WebP or GIF), kept for this session only',
      consumes: ['multipart/form-data'],
      response: { 200: { $ref: 'ImageInfo#' }, 413: { $ref: 'Error#' }, 415: { $ref: 'Error#' }, ...errorResponses },
    },
    handler: async (req) => {
      if (!req.isMultipart()) throw new HttpError(415, 'send the image as multipart/form-data');
      const part = await req.file();
      if (!part) throw new HttpError(400, 'no image in the request');
      const session = req.session;
      const imageId = `u${newId(12)}`;
      const stored = await storeUpload(part, 'image', config.maxImageBytes, await sessions.folder(session), `${imageId}.img`);
      try {
        // The size the header declares, before any pixel is decoded (a small file can declare gigapixels).
        const size = await readImageSize(stored.path);
        if (size && size.width * size.height > config.maxImagePixels) {
          throw new HttpError(413, `${stored.name}: ${size.width}×${size.height} pixels, more than the ${config.maxImagePixels.toLocaleString('en')} limit`);
        }
        const picture = await readImage(stored.path).catch((error: unknown) => {
          throw new HttpError(415, `${stored.name}: ${(error instanceof Error ? error.message : String(error)).split(stored.path).join('').replace(/^:\s*/, '')}`);
        });
        const head = (await readFile(stored.path)).subarray(0, 16);
        const info: ImageInfo = { id: imageId, title: stored.name, source: 'upload', width: picture.width, height: picture.height };
        session.images.set(imageId, { info, path: stored.path, contentType: IMAGE_TYPES[imageFormat(head) ?? 'png'] });
        return info;
      } catch (error) {
        await rm(stored.path, { force: true });
        throw error;
      }
    },
  });

  app.get('/api/images/:id', {
    schema: {
      tags: ['models and images'],
      summary: 'An image, as stored (bundled, or uploaded by this session)',
      params: idParams,
      produces: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
      response: { 200: { type: 'string', format: 'binary' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { id } = req.params as { id: string };
      const { bytes, contentType } = await catalog.imageFile(req.session, id);
      return reply.type(contentType).header('cache-control', 'private, max-age=300').send(bytes);
    },
  });

  app.get('/api/models/:id/files/:role', {
    schema: {
      tags: ['models and images'],
      summary: "One of a model's files (model, weights, names), for computing in the browser",
      params: {
        type: 'object',
        properties: { id: idParams.properties.id, role: { type: 'string', enum: ['model', 'weights', 'names'] } },
        required: ['id', 'role'],
      },
      produces: ['application/octet-stream'],
      response: { 200: { type: 'string', format: 'binary' }, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { id, role } = req.params as { id: string; role: ModelFileRole };
      const { bytes, name } = await catalog.modelFile(req.session, id, role);
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${name.replace(/[^\w.\-]/g, '_')}"`)
        .header('cache-control', 'private, max-age=300')
        .send(bytes);
    },
  });
}

function roleOf(s: StoredUpload): ModelFileRole {
  return s.kind === 'weights' ? 'weights' : s.kind === 'names' ? 'names' : 'model';
}
