/**
 * JSON Schemas of the API: Fastify validates requests and serialises responses with them, and
 * @fastify/swagger turns them into the OpenAPI document (GET /api/openapi.json,
 * docs/web-api.openapi.json). They describe the types in shared/api.ts.
 */
import { METHOD_NAMES } from '@yolo-saliency/core';
import { QUANTITY_NAMES } from '../shared/api.js';

const id = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;
const box = { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4, description: '[x1, y1, x2, y2] in image pixels' } as const;
const size2 = { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2, description: '[height, width]' } as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  description: 'A one-line message for people; never a stack trace.',
  properties: { error: { type: 'string' } },
  required: ['error'],
} as const;

export const modelInfoSchema = {
  $id: 'ModelInfo',
  type: 'object',
  properties: {
    id,
    title: { type: 'string' },
    source: { type: 'string', enum: ['bundled', 'upload'] },
    format: { type: 'string', enum: ['darknet', 'keras', 'onnx'] },
    trained: { type: 'boolean', description: 'false: seeded, untrained weights (detections are meaningless)' },
    classNames: { type: 'array', items: { type: 'string' } },
    inputSize: size2,
    description: { type: 'string' },
    files: {
      type: 'array',
      items: {
        type: 'object',
        properties: { role: { type: 'string', enum: ['model', 'weights', 'names'] }, name: { type: 'string' }, bytes: { type: 'integer' } },
        required: ['role', 'name', 'bytes'],
      },
    },
    image: { type: 'string', description: 'the bundled image this model opens on' },
  },
  required: ['id', 'title', 'source', 'format', 'trained', 'classNames', 'inputSize', 'description', 'files'],
} as const;

export const imageInfoSchema = {
  $id: 'ImageInfo',
  type: 'object',
  properties: { id, title: { type: 'string' }, source: { type: 'string', enum: ['bundled', 'upload'] }, width: { type: 'integer' }, height: { type: 'integer' } },
  required: ['id', 'title', 'source', 'width', 'height'],
} as const;

export const catalogSchema = {
  $id: 'Catalog',
  type: 'object',
  properties: {
    models: { type: 'array', items: { $ref: 'ModelInfo#' } },
    images: { type: 'array', items: { $ref: 'ImageInfo#' } },
    defaultModel: { type: 'string' },
    defaultImage: { type: 'string' },
    limits: {
      type: 'object',
      properties: {
        maxModelFileBytes: { type: 'integer' },
        maxTextFileBytes: { type: 'integer' },
        maxImageBytes: { type: 'integer' },
        maxImagePixels: { type: 'integer' },
        maxRunningJobs: { type: 'integer' },
      },
      required: ['maxModelFileBytes', 'maxTextFileBytes', 'maxImageBytes', 'maxImagePixels', 'maxRunningJobs'],
    },
  },
  required: ['models', 'images', 'defaultModel', 'defaultImage', 'limits'],
} as const;

export const runtimesSchema = {
  $id: 'Runtimes',
  type: 'object',
  description: 'What the server can compute on (the CLI\'s `doctor`), and what `auto` picks.',
  properties: {
    runtimes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          available: { type: 'boolean' },
          reason: { type: 'string' },
          backend: { type: 'string' },
          device: { type: 'string' },
          notes: { type: 'array', items: { type: 'string' } },
          backends: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' }, available: { type: 'boolean' }, reason: { type: 'string' } }, required: ['name', 'available'] },
          },
        },
        required: ['name', 'available', 'notes', 'backends'],
      },
    },
    auto: {
      type: 'object',
      description: 'what `auto` picks: runtime, backend, device; or error',
      properties: { runtime: { type: 'string' }, backend: { type: 'string' }, device: { type: 'string' }, error: { type: 'string' } },
    },
  },
  required: ['runtimes', 'auto'],
} as const;

export const jobRequestSchema = {
  $id: 'JobRequest',
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['detect', 'explain'] },
    model: { ...id, description: 'a model id from GET /api/catalog or POST /api/models' },
    image: { ...id, description: 'an image id from GET /api/catalog or POST /api/images' },
    runtime: { type: 'string', maxLength: 32, description: "'auto' (default) or a runtime from GET /api/runtimes" },
    backend: { type: 'string', maxLength: 32, description: "a backend of that runtime, or 'auto' (default)" },
    target: {
      type: 'string',
      maxLength: 400,
      description: `explain: top (default), det:K, class:NAME, with /QUANTITY (${QUANTITY_NAMES.join(', ')}), or raw:scale=S,anchor=A,y=Y,x=X,channel=C; terms joined with +`,
    },
    methods: { type: 'array', items: { type: 'string', enum: [...METHOD_NAMES] }, minItems: 1, maxItems: METHOD_NAMES.length, uniqueItems: true },
    steps: { type: 'integer', minimum: 1, maximum: 512, description: 'Integrated Gradients steps (default 20)' },
    samples: { type: 'integer', minimum: 1, maximum: 512, description: 'SmoothGrad samples (default 25)' },
    noise: { type: 'number', minimum: 0, maximum: 2, description: 'SmoothGrad noise, a fraction of the input range (default 0.15)' },
    inlineMaps: { type: 'boolean', description: 'return the maps in the JSON (base64 float32 little-endian) rather than as .npy links' },
  },
  required: ['kind', 'model', 'image'],
} as const;

const detectionSchema = {
  type: 'object',
  properties: {
    index: { type: 'integer', description: 'what det:K names' },
    className: { type: 'string' },
    classIndex: { type: 'integer' },
    score: { type: 'number' },
    objectness: { type: 'number' },
    box,
    cell: {
      type: 'object',
      properties: { scale: { type: 'integer' }, anchor: { type: 'integer' }, y: { type: 'integer' }, x: { type: 'integer' } },
      required: ['scale', 'anchor', 'y', 'x'],
    },
  },
  required: ['index', 'className', 'classIndex', 'score', 'objectness', 'box', 'cell'],
} as const;

export const jobResultSchema = {
  $id: 'JobResult',
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['detect', 'explain'] },
    where: { type: 'string', enum: ['server', 'browser'] },
    runtime: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        backend: { type: 'string' },
        device: { type: 'string' },
        threads: { type: 'integer' },
        notes: { type: 'array', items: { type: 'string' } },
      },
      required: ['name', 'backend', 'device', 'notes'],
    },
    model: { type: 'string' },
    image: { type: 'string' },
    inputSize: size2,
    letterbox: {
      type: 'object',
      properties: {
        imageWidth: { type: 'number' },
        imageHeight: { type: 'number' },
        inputWidth: { type: 'number' },
        inputHeight: { type: 'number' },
        scale: { type: 'number' },
        offsetX: { type: 'number' },
        offsetY: { type: 'number' },
      },
      required: ['imageWidth', 'imageHeight', 'inputWidth', 'inputHeight', 'scale', 'offsetX', 'offsetY'],
    },
    detections: { type: 'array', items: detectionSchema },
    target: {
      type: 'object',
      properties: { spec: { type: 'string' }, value: { type: 'number' }, detection: detectionSchema },
      required: ['spec', 'value'],
    },
    maps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          method: { type: 'string', enum: [...METHOD_NAMES] },
          milliseconds: { type: 'number' },
          targetValue: { type: 'number' },
          completenessError: { type: 'number' },
          dims: { type: 'array', items: { type: 'integer' }, description: '[H, W, C] at the network input size' },
          npy: { type: 'string', description: 'URL of the raw map (.npy, float32)' },
          data: { type: 'string', description: 'the raw map, base64 float32 little-endian (inlineMaps)' },
        },
        required: ['method', 'milliseconds', 'targetValue', 'dims'],
      },
    },
    milliseconds: { type: 'number' },
  },
  required: ['kind', 'where', 'runtime', 'model', 'image', 'inputSize', 'letterbox', 'detections', 'milliseconds'],
} as const;

export const jobStatusSchema = {
  $id: 'JobStatus',
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['detect', 'explain'] },
    state: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    position: { type: 'integer', description: '1-based place in the queue while queued' },
    progress: {
      type: 'object',
      properties: { method: { type: 'string' }, done: { type: 'integer' }, total: { type: 'integer' } },
      required: ['done', 'total'],
    },
    result: { $ref: 'JobResult#' },
    error: { type: 'string' },
  },
  required: ['id', 'kind', 'state'],
} as const;

export const healthSchema = {
  $id: 'Health',
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    jobs: { type: 'object', properties: { running: { type: 'integer' }, queued: { type: 'integer' } }, required: ['running', 'queued'] },
    sessions: { type: 'integer' },
    memory: {
      type: 'object',
      description: "the server process's memory in MiB, and its compute processes'",
      properties: { rssMb: { type: 'number' }, heapUsedMb: { type: 'number' }, computeRssMb: { type: 'number', description: 'the compute processes together (Linux)' } },
      required: ['rssMb', 'heapUsedMb'],
    },
  },
  required: ['ok', 'jobs', 'sessions', 'memory'],
} as const;

export const ALL_SCHEMAS = [errorSchema, modelInfoSchema, imageInfoSchema, catalogSchema, runtimesSchema, jobRequestSchema, jobResultSchema, jobStatusSchema, healthSchema];

/** Responses every route may give besides its own. */
export const errorResponses = {
  400: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
  500: { $ref: 'Error#' },
} as const;
