// Turns what darknet printed and wrote (in scripts/darknet-reference.sh's temporary folder)
// into the files of fixtures/darknet/reference/. Plain Node, no dependencies.
//
//   node darknet-reference-format.mjs layers NAME CFG WORK OUT [WEIGHTS]
//   node darknet-reference-format.mjs detections MODEL PHOTO "WIDTH HEIGHT" WORK OUT COMMAND
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [mode, ...args] = process.argv.slice(2);
const darknet = {
  repository: 'https://github.com/AlexeyAB/darknet',
  commit: process.env.DARKNET_COMMIT ?? 'unknown',
  build: `make ${process.env.DARKNET_FLAGS ?? ''}`.trim(),
};
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** JSON with one array element per line for the long arrays (small diffs, still readable). */
function write(path, value, longKey) {
  const { [longKey]: rows, ...rest } = value;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  const body = rows.map((row) => `    ${JSON.stringify(row)}`).join(',\n');
  writeFileSync(path, `${head},\n  "${longKey}": [\n${body}\n  ]\n}\n`);
}

/** darknet's layer table from `detector test`'s stderr: the header line through "avg_outputs". */
function trimTable(text, name) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s+layer\s+filters\s+size/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^avg_outputs/.test(l));
  if (start < 0 || end < 0) throw new Error(`${name}: no layer table in darknet's output`);
  return `${lines.slice(start, end + 1).map((l) => l.replace(/\s+$/, '')).join('\n')}\n`;
}

function layers([name, cfgPath, work, out, weightsPath]) {
  const cfg = readFileSync(cfgPath);
  writeFileSync(join(out, `${name}.layers.txt`), trimTable(readFileSync(join(work, `${name}.table.err`), 'utf8'), name));
  const raw = JSON.parse(readFileSync(join(work, `${name}.raw.json`), 'utf8'));
  const result = {
    cfg: basename(cfgPath),
    cfgSha256: sha256(cfg),
    darknet,
    input: { width: raw.width, height: raw.height, channels: raw.channels },
    headerBytes: raw.headerBytes,
    storedFloats: raw.storedFloats,
    weightsBytes: raw.weightsBytes,
  };
  if (weightsPath) {
    const bytes = readFileSync(weightsPath);
    const resaved = readFileSync(join(work, `${name}.resaved.weights`));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const log = readFileSync(join(work, `${name}.dump.err`), 'utf8');
    result.weightsFile = {
      name: basename(weightsPath),
      bytes: bytes.length,
      sha256: sha256(bytes),
      header: { major: view.getInt32(0, true), minor: view.getInt32(4, true), revision: view.getInt32(8, true), seen: Number(view.getBigUint64(12, true)) },
      bytesEqualExpected: bytes.length === raw.weightsBytes,
      darknetLoad: (log.match(/Done! Loaded \d+ layers from weights-file/) ?? ['(no load message)'])[0],
      resavedEqualAfterHeader: resaved.length === bytes.length && resaved.subarray(20).equals(bytes.subarray(20)),
    };
    if (!result.weightsFile.bytesEqualExpected || !result.weightsFile.resavedEqualAfterHeader) {
      console.error(`${name}: ${basename(weightsPath)} has ${bytes.length} bytes, darknet expects ${raw.weightsBytes}; resaved equal: ${result.weightsFile.resavedEqualAfterHeader}`);
      process.exitCode = 1;
    }
  }
  result.layers = raw.layers.map(({ in: _input, ...layer }) => layer);
  write(join(out, `${name}.json`), result, 'layers');
}

function detections([model, photo, size, work, out, command]) {
  const [width, height] = size.trim().split(/\s+/).map(Number);
  const stdout = readFileSync(join(work, `${model}.${photo}.stdout`), 'utf8');
  const [frame] = JSON.parse(readFileSync(join(work, `${model}.${photo}.out.json`), 'utf8'));
  const nms = stdout.match(/nms_kind: (\S+) \((\d+)\), beta = ([\d.]+)/);
  const result = {
    model,
    photo: `${photo}.jpg`,
    imageSize: { width, height },
    inputSize: { width: 320, height: 320 },
    darknet,
    command,
    thresh: 0.25,
    nms: { kind: nms?.[1] ?? 'default', threshold: 0.45, beta: nms ? Number(nms[3]) : null },
    printed: stdout.split('\n').filter((l) => /^[^:\s][^:]*: \d+%/.test(l)).map((l) => l.replace(/\s+$/, '')),
    detections: frame.objects.map((o) => {
      const r = o.relative_coordinates;
      return {
        classId: o.class_id,
        className: o.name,
        probability: o.confidence,
        relative: { centerX: r.center_x, centerY: r.center_y, width: r.width, height: r.height },
        box: [(r.center_x - r.width / 2) * width, (r.center_y - r.height / 2) * height, (r.center_x + r.width / 2) * width, (r.center_y + r.height / 2) * height].map(
          (v) => Math.round(v * 1000) / 1000,
        ),
      };
    }),
  };
  write(join(out, `${model}.${photo}.detections.json`), result, 'detections');
}

if (mode === 'layers') layers(args);
else if (mode === 'detections') detections(args);
else throw new Error(`unknown mode ${mode}`);
