/**
 * CLI fuzz families: each case runs the built `yolo-saliency` in a child process on hostile
 * files, option values, output folders or a signal, and must exit 0 (with its outputs), 1 (bad
 * input) or 2 (usage) within the case limit, with exactly one `error:` line naming a file or an
 * option (plus `warning:`/`note:` lines), no stack, no temporary or half-written files, inputs
 * unchanged, and a peak RSS under the bound. Every model run gets `--max-memory 1G`: the memory
 * budget is what keeps accepted runs under the bound.
 */
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import fc from 'fast-check';
import { CFG, fixturePath, photoOfSize, type Seeds } from './fixtures.js';
import { cliOutcome, listFiles, type CaseContext, type CliCase, type CliRun, type Family, type FuzzSettings } from './harness.js';
import { anchorsText, cfgFile, h5File, imageFile, kerasFile, namesText, npyFile, onnxFile, sampleOf, SPECIAL_KINDS, specialPath, targetSpec, weightsFiles } from './inputs.js';
import { INTERESTING_NUMBER_TEXTS, type Rng } from './mutate.js';

const SHAPES = fixturePath(CFG.shapes);
const SHAPES_WEIGHTS = fixturePath(CFG.shapesWeights);
const SHAPES_NAMES = fixturePath(CFG.shapesNames);
const IMAGE = fixturePath('images/shapes.png');
const BUDGET = ['--max-memory', '1G'];
/** The bundled shapes detector, named explicitly (the default model may change). */
const SHAPES_MODEL = ['--model', SHAPES, '--weights', SHAPES_WEIGHTS, '--names', SHAPES_NAMES];

const stem = (path: string) => basename(path, extname(path));

/** detect or explain (vanilla) on one image, with the outputs a success must leave. */
function modelRun(rng: Rng, image: string, out: string, model: string[], pExplain = 0.3): Pick<CliCase, 'args' | 'expectOutputs'> {
  const s = stem(image);
  if (rng.chance(pExplain)) {
    const raw = rng.chance(0.3);
    return {
      args: ['explain', image, ...model, '--method', 'vanilla', '--out', out, ...BUDGET, ...(raw ? ['--save-raw'] : [])],
      expectOutputs: [`${s}.vanilla.png`, `${s}.panel.png`, ...(raw ? [`${s}.vanilla.npy`] : [])],
    };
  }
  return { args: ['detect', image, ...model, '--out', out, ...BUDGET], expectOutputs: [`${s}.detections.png`, `${s}.detections.json`] };
}

/** A model file through info (no compute), detect or explain. */
function modelFileCase(rng: Rng, model: string[], files: string[], dir: string, what: string, pInfo = 0.5): CliCase {
  const out = join(dir, 'out');
  if (rng.chance(pInfo)) return { args: ['info', ...model, ...(rng.chance(0.2) ? ['--json'] : [])], files, inputs: files, what };
  return { ...modelRun(rng, IMAGE, out, model, 0.25), files: [...files, IMAGE], inputs: files, out, noOutputsOnFailure: true, what };
}

// ---------------------------------------------------------------------------------------------
// Option values

interface OptionSpec {
  /** Valid values that keep the run cheap. */
  cheap: string[];
  /** Whether a value is valid but would make the case slow (it is then replaced by a bad one). */
  costly?: (value: string) => boolean;
}

const big = (limit: number) => (v: string) => Number.isFinite(Number(v)) && Number(v) > limit;
const NUMBER = { cheap: ['1', '2'] };
const COMMAND_OPTIONS: Record<string, { base: (out: string) => string[]; options: Record<string, OptionSpec> }> = {
  explain: {
    base: (out) => ['explain', IMAGE, ...SHAPES_MODEL, '--method', 'vanilla', '--out', out, ...BUDGET],
    options: {
      steps: NUMBER,
      samples: NUMBER,
      batch: { cheap: ['1', '8', '1024'] },
      'input-size': { cheap: ['32', '64', '128', '256'], costly: big(512) },
      noise: { cheap: ['0', '0.5'] },
      percentile: { cheap: ['0', '50', '100'] },
      colormap: { cheap: ['jet', 'inferno', 'gray'] },
      method: { cheap: ['vanilla', 'guided', 'visual-backprop', 'vanilla,guided'], costly: (v) => /integrated|smoothgrad|all/.test(v) },
      target: { cheap: ['top', 'det:0', 'class:cross', 'raw:scale=0,anchor=0,y=0,x=0,channel=4'] },
      runtime: { cheap: ['auto', 'onnx', 'tfjs'] },
      backend: { cheap: ['auto', 'cpu'] },
      'max-memory': { cheap: ['1G', '2G', '384M', '512M'] },
      anchors: { cheap: ['10,14 23,27 37,58; 81,82 135,169 344,319'] },
    },
  },
  detect: {
    base: (out) => ['detect', IMAGE, ...SHAPES_MODEL, '--out', out, ...BUDGET],
    options: {
      'score-threshold': { cheap: ['0', '0.5', '1'] },
      'iou-threshold': { cheap: ['0', '0.45', '1'] },
      'input-size': { cheap: ['32', '128', '256', '8192'], costly: big(1024) },
      'max-memory': { cheap: ['1G', '500M'] },
    },
  },
  info: {
    base: () => ['info', ...SHAPES_MODEL],
    options: { 'input-size': { cheap: ['32', '128', '8192', '8160'] } },
  },
  evaluate: {
    base: () => ['evaluate', IMAGE, ...SHAPES_MODEL, '--method', 'vanilla', '--metrics', 'pointing', ...BUDGET],
    options: {
      steps: { cheap: ['1', '4'], costly: big(8) },
      'ig-steps': NUMBER,
      metrics: { cheap: ['pointing', 'completeness'], costly: (v) => /deletion|insertion|randomization/.test(v) },
      seed: { cheap: ['0', '7'] },
    },
  },
  benchmark: {
    base: () => ['benchmark', ...SHAPES_MODEL, '--method', 'vanilla', '--runtime', 'onnx', '--repeat', '1', '--warmup', '0', '--input-size', '64', ...BUDGET],
    options: {
      repeat: { cheap: ['1', '2'], costly: big(3) },
      warmup: { cheap: ['0', '1'], costly: big(2) },
      threads: { cheap: ['1', '2'] },
    },
  },
  'generate-dataset': {
    base: (out) => ['generate-dataset', '--count', '2', '--size', '32', '--out', join(out, 'set')],
    options: {
      count: { cheap: ['1', '3'], costly: big(5) },
      size: { cheap: ['16', '64'], costly: big(512) },
      seed: { cheap: ['0', '-1', '12345678901'] },
    },
  },
  'evaluate-detector': {
    base: () => ['evaluate-detector', ...SHAPES_MODEL, '--count', '2', '--size', '64', ...BUDGET],
    options: {
      count: { cheap: ['1', '2'], costly: big(4) },
      size: { cheap: ['40', '64'], costly: big(256) },
      iou: { cheap: ['0.5', '1'] },
    },
  },
};

const ODD_VALUES = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...INTERESTING_NUMBER_TEXTS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('--help', '--out', '-', '--', '=', 'x'.repeat(10_000), '\x1b[2J', 'a\nb', '1G', '99999T', '-1G', '0.1k', 'all', 'vanilla,,guided', 'vanilla,bogus', ',', 'tfjs:wasm', 'onnx:cuda') },
);

/** An option-value case: a cheap command with one option (or the argument list) made odd. */
function optionsCase(rng: Rng, dir: string): CliCase {
  const out = join(dir, 'out');
  const command = rng.pick(Object.keys(COMMAND_OPTIONS));
  const { base, options } = COMMAND_OPTIONS[command];
  const args = base(out);
  let what: string;
  const choice = rng.weighted([[8, 'value'], [1, 'structure'], [1, 'repeat']] as const);
  if (choice === 'value') {
    const name = rng.pick(Object.keys(options));
    const spec = options[name];
    let value = rng.chance(0.25) ? rng.pick(spec.cheap) : sampleOf(rng, ODD_VALUES);
    if (spec.costly?.(value)) value = rng.pick(['0', '-1', 'x', '']);
    const at = args.indexOf(`--${name}`);
    if (at >= 0) args.splice(at, 2);
    if (rng.chance(0.3)) args.push(`--${name}=${value}`);
    else args.push(`--${name}`, value);
    if (name === 'method' && /integrated|smoothgrad/.test(value)) args.push('--steps', '2', '--samples', '2');
    what = `${command} --${name} ${JSON.stringify(value.slice(0, 40))}`;
  } else if (choice === 'structure') {
    const edit = rng.int(6);
    if (edit === 0) args.splice(1 + rng.int(args.length - 1), 1); // drop an argument
    else if (edit === 1) args.push(rng.pick(['--bogus', '--bogus=1', '-x', '--', '---', '--=']));
    else if (edit === 2) args.push(`--${rng.pick(Object.keys(options))}`); // a value missing at the end
    else if (edit === 3) args.splice(1, 0, rng.pick(['', ' ', '-', '--verbose=1', 'x'.repeat(5000)]));
    else if (edit === 4) args[0] = rng.pick(['bogus', '', 'EXPLAIN', 'help', '--version']);
    else args.splice(1, args.length - 1);
    what = `${command} argument edit ${edit}`;
  } else {
    const name = rng.pick(Object.keys(options));
    args.push(`--${name}`, rng.pick(options[name].cheap), `--${name}`, rng.pick(options[name].cheap));
    what = `${command} --${name} twice`;
  }
  // With an argument dropped, a path may land in another role (a cfg as an image): any path may be named.
  const paths = args.filter((a) => a.startsWith('/'));
  return { args, what, files: [...paths, join(out, 'set')], inputs: [IMAGE, SHAPES, SHAPES_WEIGHTS, SHAPES_NAMES], out };
}

// ---------------------------------------------------------------------------------------------
// Output folders and collisions

const OUT_STATES = ['file', 'dangling', 'loop', 'through-file', 'proc', 'dev-null', 'existing-outputs', 'inputs-inside', 'same-stem', 'same-file', 'output-is-folder', 'output-links-to-input', 'output-links-to-fifo', 'long-stem', 'odd-stem', 'link-to-folder'] as const;

function outCase(rng: Rng, dir: string): CliCase {
  const state = rng.pick(OUT_STATES);
  let out = join(dir, 'out');
  const input = join(dir, 'in');
  mkdirSync(input);
  const copy = (name: string, from = IMAGE) => {
    const path = join(input, name);
    copyFileSync(from, path);
    return path;
  };
  let images = [copy('shapes.png')];
  const explain = rng.chance(0.6);
  const made = (s: string) => (explain ? [`${s}.vanilla.png`, `${s}.panel.png`] : [`${s}.detections.png`, `${s}.detections.json`]);
  const pre: string[] = [];
  switch (state) {
    case 'file':
      writeFileSync(out, 'a file where the folder goes');
      pre.push(out);
      break;
    case 'dangling':
      symlinkSync(join(dir, 'nowhere'), out);
      break;
    case 'loop':
      symlinkSync(join(dir, 'out2'), out);
      symlinkSync(out, join(dir, 'out2'));
      break;
    case 'through-file':
      writeFileSync(join(dir, 'plain'), 'x');
      pre.push(join(dir, 'plain'));
      out = join(dir, 'plain', 'out');
      break;
    case 'proc':
      out = `/proc/self/fuzz-out-${rng.int(1e6)}`;
      break;
    case 'dev-null':
      out = '/dev/null';
      break;
    case 'existing-outputs':
      mkdirSync(out);
      for (const f of made('shapes')) writeFileSync(join(out, f), 'an older output');
      writeFileSync(join(out, 'unrelated.txt'), 'keep me');
      pre.push(join(out, 'unrelated.txt'));
      break;
    case 'inputs-inside':
      mkdirSync(out);
      images = [copy('shapes.png'), ...made('shapes').filter((f) => f.endsWith('.png')).map((f) => {
        const path = join(out, f);
        copyFileSync(IMAGE, path);
        return path;
      })];
      break;
    case 'same-stem': {
      mkdirSync(join(input, 'b'));
      const second = join(input, 'b', 'shapes.png');
      copyFileSync(fixturePath('images/dog.jpg'), second.replace(/\.png$/, '.jpg'));
      images.push(second.replace(/\.png$/, '.jpg'));
      break;
    }
    case 'same-file':
      images.push(images[0]);
      break;
    case 'output-is-folder':
      mkdirSync(out);
      mkdirSync(join(out, made('shapes')[rng.int(2)]));
      break;
    case 'output-links-to-input':
      mkdirSync(out);
      symlinkSync(images[0], join(out, made('shapes')[0]));
      break;
    case 'output-links-to-fifo':
      mkdirSync(out);
      specialPath('fifo', dir, 'png', 0);
      symlinkSync(join(dir, 'special.png'), join(out, made('shapes')[rng.int(2)]));
      break;
    case 'long-stem':
      images = [copy(`${'l'.repeat(rng.pick([200, 240, 251]))}.png`)];
      break;
    case 'odd-stem':
      images = [copy(rng.pick(['odd\x1b[31mname.png', 'new\nline.png', ' space .png', '-dash.png', 'ünï©ødé.png', '.hidden.png', 'no-extension']))];
      break;
    case 'link-to-folder':
      mkdirSync(join(dir, 'real-out'));
      symlinkSync(join(dir, 'real-out'), out);
      break;
  }
  const command = explain ? ['explain', ...images, ...SHAPES_MODEL, '--method', 'vanilla', '--out', out, ...BUDGET] : ['detect', ...images, ...SHAPES_MODEL, '--out', out, ...BUDGET];
  const distinct = new Set(images).size;
  const check = (r: CliRun): string | undefined => {
    if (r.code !== 0) return undefined;
    // Every distinct input has its own set of outputs (later ones under <stem>-2, ...).
    const files = listFiles(out);
    const sets = files.filter((f) => f.endsWith(explain ? '.panel.png' : '.detections.json')).length;
    return sets >= distinct ? undefined : `exit 0 with ${sets} output set(s) for ${distinct} input(s): ${files.join(', ')}`;
  };
  return { args: command, what: `out ${state}, ${explain ? 'explain' : 'detect'} of ${images.length} image(s)`, files: [...images, out], inputs: [...images, ...pre, SHAPES, SHAPES_WEIGHTS, SHAPES_NAMES], out: out.startsWith('/proc') || out === '/dev/null' ? undefined : out, check };
}

// ---------------------------------------------------------------------------------------------
// Signals

function signalCase(rng: Rng, dir: string): CliCase {
  const out = join(dir, 'out');
  const input = join(dir, 'in');
  mkdirSync(input);
  const images = ['a.png', 'b.png', 'c.jpg', 'd.png'].map((name) => {
    const path = join(input, name);
    copyFileSync(name.endsWith('.jpg') ? fixturePath('images/dog.jpg') : IMAGE, path);
    return path;
  });
  const methods = ['vanilla', 'guided'];
  const name = rng.pick(['SIGINT', 'SIGTERM'] as const);
  // Mostly once the CLI runs (it prints its runtime first), sometimes at any time after the start.
  const afterStdout = rng.chance(0.8);
  const afterMs = afterStdout ? rng.between(0, 2500) : rng.between(100, 4000);
  const check = (r: CliRun): string | undefined => {
    const files = listFiles(out);
    for (const image of images) {
      const s = stem(image);
      const set = [...methods.map((m) => `${s}.${m}.png`), `${s}.panel.png`];
      const present = set.filter((f) => files.includes(f));
      if (present.length !== 0 && present.length !== set.length) return `${s}: ${present.length} of its ${set.length} files after ${name} (${present.join(', ')})`;
      if (r.code === 0 && present.length !== set.length) return `exit 0 but ${s} has ${present.length} of its files`;
    }
    return undefined;
  };
  return {
    args: ['explain', ...images, ...SHAPES_MODEL, '--method', methods.join(','), '--out', out, ...BUDGET],
    what: `${name} ${afterMs} ms after ${afterStdout ? 'the first output' : 'the start'}`,
    files: [...images, out],
    inputs: images,
    out,
    signal: { name, afterMs, afterStdout },
    check,
  };
}

// ---------------------------------------------------------------------------------------------

export function cliFamilies(seeds: Seeds, settings: FuzzSettings, rssDir: string, socketPath: string): Array<Family<CliCase>> {
  const family = (name: string, make: (ctx: CaseContext) => Promise<CliCase> | CliCase, weight = 1): Family<CliCase> => ({
    name,
    mode: 'cli',
    weight,
    make: async (ctx) => make(ctx),
    run: (c) => cliOutcome(c, settings, rssDir),
  });
  return [
    family('cli-image', ({ rng, dir }) => {
      const f = imageFile(rng, seeds, dir, { absurd: 0.4 });
      const out = join(dir, 'out');
      return { ...modelRun(rng, f.path, out, SHAPES_MODEL), files: [f.path], inputs: [f.path], out, noOutputsOnFailure: true, what: f.what };
    }),
    family('cli-npy', ({ rng, dir }) => {
      const f = npyFile(rng, seeds, dir);
      const out = join(dir, 'out');
      const raw = rng.chance(0.3);
      const s = stem(f.path);
      return {
        args: ['explain', f.path, ...SHAPES_MODEL, '--method', 'vanilla', '--target', 'raw:scale=0,anchor=0,y=0,x=0,channel=4', '--out', out, ...BUDGET, ...(raw ? ['--save-raw'] : [])],
        expectOutputs: [`${s}.vanilla.png`, `${s}.panel.png`, ...(raw ? [`${s}.vanilla.npy`] : [])],
        files: [f.path],
        inputs: [f.path],
        out,
        noOutputsOnFailure: true,
        what: f.what,
      };
    }, 0.7),
    family('cli-cfg', ({ rng, dir }) => {
      const f = cfgFile(rng, seeds, dir);
      if (rng.chance(0.2)) {
        const onnx = join(dir, 'out', 'model.onnx');
        mkdirSync(join(dir, 'out'));
        return { args: ['convert', '--model', f.path, '--out', onnx], expectOutputs: ['model.onnx'], files: [f.path, onnx], inputs: [f.path], out: join(dir, 'out'), noOutputsOnFailure: true, what: `convert ${f.what}` };
      }
      // Compute only on the small cfg: a mutated yolov4 at full size runs for minutes, within its bounds.
      return modelFileCase(rng, ['--model', f.path], [f.path], dir, f.what, f.source === CFG.shapes ? 0.6 : 1);
    }),
    family('cli-weights', ({ rng, dir }) => {
      const f = weightsFiles(rng, seeds, dir);
      const names = f.cfg === SHAPES ? ['--names', SHAPES_NAMES] : [];
      return modelFileCase(rng, ['--model', f.cfg, '--weights', f.weights, ...names], [f.cfg, f.weights], dir, f.what, 0.3);
    }),
    family('cli-h5', async ({ rng, dir }) => {
      const f = await h5File(rng, seeds, dir);
      return modelFileCase(rng, ['--model', f.path], [f.path], dir, f.what);
    }),
    family('cli-keras', ({ rng, dir }) => {
      const f = kerasFile(rng, seeds, dir);
      return modelFileCase(rng, ['--model', f.path], [f.path], dir, f.what);
    }),
    family('cli-onnx', ({ rng, dir }) => {
      const f = onnxFile(rng, seeds, dir);
      const anchors = f.anchors === undefined ? [] : ['--anchors', f.anchors];
      return modelFileCase(rng, ['--model', f.path, ...anchors], [f.path], dir, f.what, 0.4);
    }),
    family('cli-names', ({ rng, dir }) => {
      const names = join(dir, 'classes.names');
      const text = namesText(rng);
      writeFileSync(names, text);
      const out = join(dir, 'out');
      return { ...modelRun(rng, IMAGE, out, ['--model', SHAPES, '--weights', SHAPES_WEIGHTS, '--names', names], 0.2), files: [names, IMAGE], inputs: [names], out, noOutputsOnFailure: true, what: `names ${JSON.stringify(text.slice(0, 60))}` };
    }, 0.5),
    family('cli-target', ({ rng, dir }) => {
      const spec = targetSpec(rng);
      const out = join(dir, 'out');
      return {
        args: ['explain', IMAGE, ...SHAPES_MODEL, '--method', 'vanilla', '--target', spec, '--out', out, ...BUDGET],
        expectOutputs: ['shapes.vanilla.png', 'shapes.panel.png'],
        files: [IMAGE, '--target'],
        out,
        noOutputsOnFailure: true,
        what: `--target ${JSON.stringify(spec.slice(0, 80))}`,
      };
    }, 0.6),
    family('cli-options', ({ rng, dir }) => optionsCase(rng, dir), 1.5),
    family('cli-special', ({ rng, dir }) => {
      const kind = rng.pick(SPECIAL_KINDS);
      const slot = rng.pick(['image', 'npy', 'model-cfg', 'model-onnx', 'model-h5', 'weights', 'names', 'anchors-model'] as const);
      const ext = slot === 'image' ? 'png' : slot === 'npy' ? 'npy' : slot === 'weights' ? 'weights' : slot === 'names' ? 'names' : slot === 'model-cfg' ? 'cfg' : slot === 'model-h5' ? 'h5' : 'onnx';
      const limit = { png: 2 ** 30, npy: 512 * 2 ** 20, weights: 2 ** 30, names: 2 ** 20, cfg: 2 ** 20, h5: 2 ** 30, onnx: 2 ** 30 }[ext]!;
      const path = specialPath(kind, dir, ext, limit, socketPath);
      const out = join(dir, 'out');
      const model =
        slot === 'model-cfg' || slot === 'model-onnx' || slot === 'model-h5' || slot === 'anchors-model' ? ['--model', path]
        : slot === 'weights' ? ['--model', SHAPES, '--weights', path, '--names', SHAPES_NAMES]
        : slot === 'names' ? ['--model', SHAPES, '--weights', SHAPES_WEIGHTS, '--names', path]
        : SHAPES_MODEL;
      const image = slot === 'image' || slot === 'npy' ? path : IMAGE;
      const run = rng.chance(0.3) && slot !== 'image' && slot !== 'npy' ? { args: ['info', ...model] } : modelRun(rng, image, out, model, slot === 'npy' ? 1 : 0.3);
      return { ...run, files: [path, IMAGE], out, noOutputsOnFailure: true, what: `${kind} as ${slot}` };
    }, 0.8),
    family('cli-out', ({ rng, dir }) => outCase(rng, dir), 1),
    family('cli-signals', ({ rng, dir }) => signalCase(rng, dir), 0.8),
    family('cli-budget', async ({ rng, dir }) => {
      // Runs near the memory budget, accepted or refused: the accepted ones are the heaviest
      // cases of the suite, and their peak RSS must stay under the bound.
      const out = join(dir, 'out');
      if (rng.chance(0.6)) {
        const [w, h] = rng.pick([[2000, 1500], [3000, 2250], [4000, 3000], [4600, 3450], [6000, 4500]] as const);
        const photo = join(dir, `photo-${w}x${h}.jpg`);
        writeFileSync(photo, await photoOfSize(w, h));
        return { ...modelRun(rng, photo, out, SHAPES_MODEL, 0.5), files: [photo], inputs: [photo], out, noOutputsOnFailure: true, what: `a ${w}x${h} photo` };
      }
      const size = rng.pick([512, 1024, 1280, 1536, 2048, 4096]);
      const command = rng.pick(['detect', 'explain'] as const);
      const args = command === 'detect' ? ['detect', IMAGE, ...SHAPES_MODEL, '--input-size', String(size), '--out', out, ...BUDGET] : ['explain', IMAGE, ...SHAPES_MODEL, '--method', 'vanilla', '--input-size', String(size), '--out', out, ...BUDGET];
      return { args, files: [IMAGE], out, noOutputsOnFailure: true, what: `${command} --input-size ${size}` };
    }, 1),
  ];
}
