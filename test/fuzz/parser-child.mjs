/**
 * The fuzz suite's in-process executor: a child process (forked by harness.ts) that runs one
 * parser call per message on the built packages (packages/core/dist, packages/node/dist), so a
 * parser that hangs can be killed, one that crashes or aborts is seen as such, and its memory
 * is measured on its own. Plain JavaScript so that plain `node` runs it.
 *
 * Message in:  { id, op, args }            (files are written by the parent)
 * Message out: { id, outcome: 'accepted' | 'rejected', ms, maxRssKb, printed, damaged?,
 *                error?: { isError, name, message }, detail?, invalid? }
 */
import { basename } from 'node:path';

const root = new URL('../../', import.meta.url);
const dist = (path) => import(new URL(path, root).href);
const [node, loaders, targets, graphApi, runtimeApi] = await Promise.all([
  dist('packages/node/dist/index.js'),
  dist('packages/core/dist/loaders/index.js'),
  dist('packages/core/dist/targets/index.js'),
  dist('packages/core/dist/graph/index.js'),
  dist('packages/core/dist/runtime/index.js'),
]);

/** Images larger than this are sized but not decoded here (an app checks the size first). */
const DECODE_PIXELS = 40e6;

/** What a parser printed itself: it must print nothing (HDF5's diagnostics, emscripten's stderr). */
let printed = '';
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, ...rest) => {
    printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const done = rest.find((r) => typeof r === 'function');
    if (done) done();
    return true;
  };
}
for (const method of ['log', 'error', 'warn', 'info', 'debug', 'trace']) {
  console[method] = (...args) => {
    printed += `${args.map(String).join(' ')}\n`;
  };
}

const oneLineProblem = (text, what) => {
  if (typeof text !== 'string') return `${what} is not a string`;
  if (/[\n\r]/.test(text)) return `${what} spans lines`;
  return undefined;
};

/** Checks of an accepted model: the graph is whole and the apps' next steps run on it. */
function checkModel(loaded, files) {
  const { graph, warnings } = loaded;
  if (!graph.nodes.length) return 'no nodes';
  if (!graph.heads.length) return 'no heads';
  const [h, w] = graph.inputSize;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 1 && w >= 1 && h <= graphApi.GRAPH_LIMITS.inputSize && w <= graphApi.GRAPH_LIMITS.inputSize)) return `input size ${h}x${w}`;
  for (const warning of warnings) {
    const problem = oneLineProblem(warning, 'a warning');
    if (problem) return problem;
    if (!files.some((f) => warning.includes(basename(f)))) return `a warning names no file: ${warning.slice(0, 200)}`;
  }
  // What `info` and the memory budget compute next: they may refuse, with one line.
  for (const step of [() => graphApi.summarizeGraph(graph, graph.inputSize), () => runtimeApi.modelMemory(graph, graph.inputSize)]) {
    try {
      step();
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'Error') return `a later step threw ${error?.name ?? typeof error}: ${String(error?.message ?? error).slice(0, 200)}`;
      const problem = oneLineProblem(error.message, 'a later step');
      if (problem) return problem;
    }
  }
  return undefined;
}

const OPS = {
  /** loadModelFile on files the parent wrote: cfg (+ weights, names), h5, keras, onnx. */
  async model({ model, weights, names, anchors }) {
    const options = { weights, names };
    if (anchors !== undefined) {
      // As the CLI does: an anchors problem is the option's, not the model file's.
      try {
        options.anchors = node.parseAnchorsText(anchors);
      } catch (error) {
        throw new Error(`--anchors: ${error.message}`);
      }
    }
    const loaded = await node.loadModelFile(model, options);
    const files = [model, weights, names].filter(Boolean);
    return { detail: `${loaded.graph.nodes.length} nodes, ${loaded.graph.heads.length} heads, ${loaded.graph.inputSize.join('x')}`, invalid: checkModel(loaded, files) };
  },
  /** readImageSize, then readImage when the size is one an app would decode. */
  async image({ path }) {
    const size = await node.readImageSize(path);
    if (size && size.width * size.height > DECODE_PIXELS) return { detail: `sized ${size.width}x${size.height}, not decoded` };
    const image = await node.readImage(path);
    const invalid = image.data.length === image.width * image.height * 3 && image.channels === 3 ? undefined : `data ${image.data.length} for ${image.width}x${image.height}`;
    return { detail: `${image.width}x${image.height}`, invalid };
  },
  async npy({ path }) {
    const array = await node.readNpy(path);
    const count = array.dims.reduce((a, b) => a * b, 1);
    return { detail: `(${array.dims.slice(0, 6).join(',')})`, invalid: count === array.data.length ? undefined : `${array.data.length} values for dims ${array.dims}` };
  },
  /** A file read as a kind: regular files only, within the kind's limit. */
  async read({ path, kind }) {
    const bytes = await node.readInputFile(path, kind);
    return { detail: `${bytes.length} bytes` };
  },
  async target({ spec }) {
    const parsed = targets.parseTarget(spec);
    const again = targets.parseTarget(targets.formatTarget(parsed));
    const same = JSON.stringify(again) === JSON.stringify(parsed);
    return { detail: targets.formatTarget(parsed).slice(0, 80), invalid: same ? undefined : `formatTarget does not round-trip: ${targets.formatTarget(parsed).slice(0, 100)}` };
  },
  async anchors({ text }) {
    const groups = node.parseAnchorsText(text);
    const ok = groups.length > 0 && groups.every((g) => g.length > 0 && g.every(([w, h]) => Number.isFinite(w) && Number.isFinite(h) && w > 0 && h > 0));
    return { detail: `${groups.length} group(s)`, invalid: ok ? undefined : 'an anchor is not a positive finite w,h' };
  },
  async names({ text }) {
    const names = loaders.parseNames(text);
    const bad = names.find((n) => graphApi.checkClassName(n) !== undefined || n !== n.trim() || n === '');
    return { detail: `${names.length} name(s)`, invalid: bad === undefined ? undefined : `accepted a bad name: ${JSON.stringify(bad).slice(0, 80)}` };
  },
};

process.on('message', async ({ id, op, args }) => {
  printed = '';
  const started = performance.now();
  let reply;
  try {
    const result = await OPS[op](args);
    reply = { id, outcome: 'accepted', ...result };
  } catch (error) {
    reply = {
      id,
      outcome: 'rejected',
      error: { isError: error instanceof Error, name: error?.name ?? typeof error, message: error instanceof Error ? error.message : String(error) },
    };
  }
  reply.ms = performance.now() - started;
  reply.maxRssKb = process.resourceUsage().maxRSS;
  reply.printed = printed.slice(0, 2000);
  reply.damaged = loaders.hdf5ReaderDamagedBy();
  process.send(reply);
});

process.send({ ready: true });
