/**
 * Issue 9 (hostile input), files: model, weights, names and .npy files that are corrupt,
 * absurd or not files at all. Each run ends within 5 s with exit 1 and one `error:` line that
 * names the right file (and the node, layer or key), never a hang, a native-addon message,
 * terminal control bytes or NaN maps with exit 0.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, lines, ROOT, runCli, type CliResult, SHAPES_MODEL } from './run-cli.js';

const posix = process.platform !== 'win32';
const CFG = fixture('shapes/shapes-yolov3-tiny.cfg');
const WEIGHTS = fixture('shapes/shapes-yolov3-tiny.weights');
const IMAGE = fixture('images/shapes.png');

/** Run the CLI; it must end within 5 s. */
async function run(args: string[]): Promise<CliResult> {
  const started = Date.now();
  const r = await runCli(args);
  expect(Date.now() - started, args.join(' ')).toBeLessThan(5000);
  return r;
}

/** Exit 1 and exactly one `error:` line matching every pattern; no stack, no control bytes. */
function expectOneError(r: CliResult, ...patterns: Array<string | RegExp>): string {
  expect(r.code, r.stderr).toBe(1);
  const errors = lines(r.stderr).filter((l) => /error/i.test(l));
  expect(errors, r.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(/^error: /);
  for (const p of patterns) expect(errors[0]).toMatch(typeof p === 'string' ? new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : p);
  expect(r.stderr).not.toMatch(/\n\s+at |HDF5-DIAG|createModel|graph\.nodes\[|Invalid typed array length/);
  expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  return errors[0];
}

/** ONNX tools from core's build (the CLI tests run the built CLI, so core is built too). */
interface OnnxTools {
  decodeOnnxModel(bytes: Uint8Array): { graph: { nodes: Array<{ opType: string; name: string; inputs: string[]; attributes: Map<string, unknown> }>; initializers: Array<{ name: string; raw?: Uint8Array }> }; metadata: Map<string, string> };
  encodeOnnxModel(model: unknown): Uint8Array;
}
async function onnxTools(): Promise<OnnxTools> {
  const dist = (p: string) => import(pathToFileURL(`${ROOT}packages/core/dist/onnx/${p}`).href);
  const [{ decodeOnnxModel }, { encodeOnnxModel }] = await Promise.all([dist('decode-model.js'), dist('encode-model.js')]);
  return { decodeOnnxModel, encodeOnnxModel } as OnnxTools;
}

describe('hostile model and data files', () => {
  let dir: string;
  let onnx: Uint8Array;
  let tools: OnnxTools;
  const at = (name: string) => join(dir, name);

  /** The converted bundled model with `edit` applied, written as `name`. */
  async function editedOnnx(name: string, edit: (m: ReturnType<OnnxTools['decodeOnnxModel']>) => void): Promise<string> {
    const model = tools.decodeOnnxModel(onnx);
    edit(model);
    await writeFile(at(name), tools.encodeOnnxModel(model));
    return at(name);
  }
  const nodeOf = (m: ReturnType<OnnxTools['decodeOnnxModel']>, op: string, k = 0) => m.graph.nodes.filter((n) => n.opType === op)[k];

  /** The bundled cfg with `from` replaced by `to`, written as `name`. */
  async function editedCfg(name: string, from: string | RegExp, to: string): Promise<string> {
    const text = await readFile(CFG, 'utf8');
    const edited = text.replace(from, to);
    expect(edited).not.toBe(text);
    await writeFile(at(name), edited);
    return at(name);
  }

  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-hostile-files-'));
    const converted = await runCli(['convert', ...SHAPES_MODEL, '--out', at('model.onnx')]);
    expect(converted.code, converted.stderr).toBe(0);
    onnx = new Uint8Array(await readFile(at('model.onnx')));
    tools = await onnxTools();
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ONNX strides of 0 on a Conv or a MaxPool end at once (they looped forever, in info too)', async () => {
    const conv = await editedOnnx('conv-stride0.onnx', (m) => nodeOf(m, 'Conv').attributes.set('strides', { type: 'ints', value: [0, 0] }));
    expectOneError(await run(['info', '--model', conv]), "conv-stride0.onnx: Conv at node 'conv_0': strides [0, 0] must be integers in 1..128");
    const pool = await editedOnnx('pool-stride0.onnx', (m) => nodeOf(m, 'MaxPool').attributes.set('strides', { type: 'ints', value: [0, 0] }));
    expectOneError(await run(['explain', IMAGE, '--model', pool, '--method', 'vanilla', '--out', at('out-pool')]), "pool-stride0.onnx: MaxPool at node 'maxpool_1': strides [0, 0]");
  });

  it('an absurd ONNX pad names the file and the node, not the native addon', async () => {
    const pads = await editedOnnx('pads.onnx', (m) => nodeOf(m, 'Conv').attributes.set('pads', { type: 'ints', value: [5000, 5000, 5000, 5000] }));
    expectOneError(await run(['explain', IMAGE, '--model', pads, '--runtime', 'onnx', '--method', 'vanilla', '--out', at('out-pads')]), "pads.onnx: Conv at node 'conv_0': pads [5000, 5000, 5000, 5000] must be integers in 0..128");
  });

  it('non-finite weights and slopes are refused, naming the file and the first layer with them', async () => {
    const slope = await editedOnnx('slope.onnx', (m) => nodeOf(m, 'LeakyRelu').attributes.set('alpha', { type: 'float', value: Number.NaN }));
    expectOneError(await run(['detect', IMAGE, '--model', slope, '--out', at('out-slope')]), "slope.onnx: layer 'leaky_0' (activation): the slope (alpha) NaN is not finite");

    const bytes = new Uint8Array(await readFile(WEIGHTS));
    const nan = Uint8Array.from(bytes);
    new DataView(nan.buffer).setFloat32(20 + 4 * 100, Number.NaN, true);
    await writeFile(at('nan.weights'), nan);
    expectOneError(await run(['detect', IMAGE, '--model', CFG, '--weights', at('nan.weights'), '--out', at('out-nan')]), /^error: nan\.weights: layer 'conv_0' \(\[convolutional\] at shapes-yolov3-tiny\.cfg:\d+\): weights: 1 of 216 values are not finite/);
    const allNan = Uint8Array.from(bytes);
    new Float32Array(allNan.buffer, 20).fill(Number.NaN);
    await writeFile(at('all-nan.weights'), allNan);
    expectOneError(await run(['detect', IMAGE, '--model', CFG, '--weights', at('all-nan.weights'), '--out', at('out-all-nan')]), /^error: all-nan\.weights: layer 'conv_0' .*: biases: all 8 values are not finite/);
  });

  it('finite weights whose outputs overflow float32 fail, naming the head, with no NaN map written', async () => {
    const big = await editedOnnx('big.onnx', (m) => {
      for (const conv of m.graph.nodes.filter((n) => n.opType === 'Conv')) {
        const t = m.graph.initializers.find((i) => i.name === conv.inputs[1])!;
        const values = new Float32Array(Uint8Array.prototype.slice.call(t.raw!).buffer);
        for (let i = 0; i < values.length; i++) values[i] *= 1e6;
        t.raw = new Uint8Array(values.buffer);
      }
    });
    const out = at('out-big');
    expectOneError(await run(['explain', IMAGE, '--model', big, '--method', 'vanilla', '--save-raw', '--out', out]), "head 'yolo_16' is not finite: the model's values overflow float32");
    expect((await readdir(out).catch(() => [])).filter((f) => f.endsWith('.npy'))).toEqual([]);
    expectOneError(await run(['detect', IMAGE, '--model', big, '--out', at('out-big-detect')]), "head 'yolo_16' is not finite");
  });

  it.runIf(posix)('special files: a link to /dev/urandom, /dev/zero and FIFOs as model, names, weights and .npy', async () => {
    await symlink('/dev/urandom', at('urandom.onnx'));
    for (const name of ['zero.cfg', 'zero.names', 'zero.npy', 'zero.weights']) await symlink('/dev/zero', at(name));
    for (const name of ['fifo.cfg', 'fifo.npy']) execFileSync('mkfifo', [at(name)]);
    expectOneError(await run(['info', '--model', at('urandom.onnx')]), `${at('urandom.onnx')}: is a character device, not a regular file`);
    expectOneError(await run(['info', '--model', at('zero.cfg')]), `${at('zero.cfg')}: is a character device, not a regular file`);
    expectOneError(await run(['info', '--model', CFG, '--names', at('zero.names')]), `${at('zero.names')}: is a character device`);
    expectOneError(await run(['info', '--model', CFG, '--weights', at('zero.weights')]), `${at('zero.weights')}: is a character device`);
    expectOneError(await run(['explain', at('zero.npy'), '--method', 'vanilla', '--out', at('out-zero')]), `${at('zero.npy')}: is a character device`);
    expectOneError(await run(['info', '--model', at('fifo.cfg')]), `${at('fifo.cfg')}: is a named pipe (FIFO), not a regular file`);
    expectOneError(await run(['explain', at('fifo.npy'), '--method', 'vanilla', '--out', at('out-fifo')]), `${at('fifo.npy')}: is a named pipe (FIFO)`);
  });

  it('cfg numbers out of range are refused with the key and the line, before allocating', async () => {
    const width = await editedCfg('width.cfg', 'width=128', 'width=100000');
    expectOneError(await run(['info', '--model', width]), /^error: width\.cfg:\d+: \[net\]: 'width=100000' must be in 1\.\.8192$/);
    const filters = await editedCfg('filters.cfg', 'filters=8', 'filters=1000000000');
    expectOneError(await run(['info', '--model', filters]), /^error: filters\.cfg:\d+: \[convolutional\] layer 0: 'filters=1000000000' must be in 1\.\.65536$/);
    const wide = await editedCfg('wide.cfg', /filters=16\n(.*\n){3}/, 'filters=60000\nsize=3\nstride=1\npad=1\n');
    const wider = await readFile(wide, 'utf8');
    await writeFile(wide, wider.replace('filters=32', 'filters=60000'));
    expectOneError(await run(['info', '--model', wide]), /^error: wide\.cfg:\d+: \[convolutional\] layer 4: the model needs \d+ parameters up to here .* more than the 67108864 allowed for seeded \(untrained\) weights; give the model's \.weights$/);
    const padding = await editedCfg('padding.cfg', 'pad=1', 'padding=5000');
    expectOneError(await run(['explain', IMAGE, '--model', padding, '--runtime', 'onnx', '--method', 'vanilla', '--out', at('out-padding')]), /^error: padding\.cfg:\d+: \[convolutional\] layer 0: 'padding=5000' must be in 0\.\.128$/);
    const anchors = await editedCfg('anchors.cfg', /anchors *= *(\d+)/, 'anchors=-$1');
    expectOneError(await run(['info', '--model', anchors]), /^error: anchors\.cfg:\d+: \[yolo\] layer \d+: 'anchors': value 1 \(-\d+\) must be positive/);
  });

  it('control bytes from a binary cfg never reach the terminal', async () => {
    const block = await editedCfg('binary.cfg', '[maxpool]', '[max\x1b[31mpool\x07]');
    expectOneError(await run(['info', '--model', block]), 'unknown block [max\\x1b[31mpool\\x07]');
    const value = await editedCfg('title.cfg', 'stride=2', 'stride=\x1b]0;owned\x07');
    expectOneError(await run(['info', '--model', value]), "'stride=\\x1b]0' is not an integer");
  });

  it('a names file of the wrong length names the names file', async () => {
    await writeFile(at('three.names'), 'a\nb\nc\n');
    expectOneError(await run(['info', '--model', CFG, '--weights', WEIGHTS, '--names', at('three.names')]), `${at('three.names')}: 3 class names, but the model has 4 classes`);
  });

  it('what does not stop a run is a warning on stderr: an unknown .weights version, assumed anchors', async () => {
    const bytes = new Uint8Array(await readFile(WEIGHTS));
    const v99 = Uint8Array.from(bytes);
    new DataView(v99.buffer).setInt32(0, 9, true);
    new DataView(v99.buffer).setInt32(4, 9, true);
    await writeFile(at('v99.weights'), v99);
    const r99 = await run(['info', '--model', CFG, '--weights', at('v99.weights')]);
    expect(r99.code, r99.stderr).toBe(0);
    expect(lines(r99.stderr)).toEqual([expect.stringMatching(/^warning: v99\.weights: unknown darknet weights version 9\.9\.0 \(darknet writes 0\.2\.x\); 'seen' was read as a 64-bit count/)]);
    // 0.1 keeps a 32-bit 'seen': the header is 4 bytes shorter.
    const v01 = new Uint8Array(bytes.length - 4);
    v01.set(bytes.subarray(0, 16));
    v01.set(bytes.subarray(20), 16);
    new DataView(v01.buffer).setInt32(4, 1, true);
    await writeFile(at('v01.weights'), v01);
    const r01 = await run(['info', '--model', CFG, '--weights', at('v01.weights')]);
    expect(r01.code, r01.stderr).toBe(0);
    expect(r01.stderr).toMatch(/^warning: v01\.weights: unknown darknet weights version 0\.1\.0 .*'seen' was read as a 32-bit count/m);

    const foreign = await editedOnnx('foreign.onnx', (m) => m.metadata.clear());
    const assumed = await run(['detect', IMAGE, '--model', foreign, '--out', at('out-foreign')]);
    expect(assumed.code, assumed.stderr).toBe(0);
    expect(assumed.stderr).toMatch(/^warning: foreign\.onnx: the file carries no anchors, so keras-yolo3's defaults for 2 heads were assumed .*pass those with --anchors/m);
    const given = await run(['detect', IMAGE, '--model', foreign, '--anchors', '10,14 23,27 37,58; 81,82 135,169 344,319', '--out', at('out-foreign-anchors')]);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stderr).not.toMatch(/warning/);
    const bad = await run(['detect', IMAGE, '--model', foreign, '--anchors', '10,14 -3,4', '--out', at('out-foreign-bad')]);
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toEqual([expect.stringMatching(/^error: --anchors: head 0: anchor '-3,4' is not 'w,h'/)]);
  });

  it('an image with a 240-character name is explained (the temporary output name was too long)', async () => {
    const name = `${'x'.repeat(236)}.png`;
    await writeFile(at(name), await readFile(IMAGE));
    const out = at('out-long');
    const r = await run(['explain', at(name), '--method', 'vanilla', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([`${'x'.repeat(236)}.panel.png`, `${'x'.repeat(236)}.vanilla.png`]);
  });
});
