/**
 * In-process fuzz families: each case calls a parser of the built packages in the executor
 * child (harness.ts's ParserPool) and must end in a valid result or an Error whose message is
 * one printable line naming the file.
 */
import { INPUT_FILE_LIMITS } from '@yolo-saliency/node';
import { fixturePath, CFG, type Seeds } from './fixtures.js';
import { judgeParser, type CaseContext, type Family, type FuzzSettings, type ParserPool } from './harness.js';
import { anchorsText, cfgFile, h5File, imageFile, kerasFile, namesText, npyFile, onnxFile, SPECIAL_KINDS, specialPath, targetSpec, weightsFiles } from './inputs.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface ParserCase {
  op: string;
  args: Record<string, unknown>;
  /** Files a rejection must name. */
  names: string[];
}

export function parserFamilies(seeds: Seeds, pool: ParserPool, settings: FuzzSettings, socketPath: string): Array<Family<ParserCase>> {
  const run = async (c: ParserCase) => judgeParser(await pool.run(c.op, c.args), c.names, settings.rssLimitMb);
  const family = (name: string, make: (ctx: CaseContext) => Promise<ParserCase & { what: string }> | (ParserCase & { what: string }), weight = 1): Family<ParserCase> => ({
    name,
    mode: 'parser',
    weight,
    make: async (ctx) => make(ctx),
    run,
  });
  return [
    family('image', ({ rng, dir }) => {
      const f = imageFile(rng, seeds, dir);
      return { op: 'image', args: { path: f.path }, names: [f.path], what: f.what };
    }),
    family('npy', ({ rng, dir }) => {
      const f = npyFile(rng, seeds, dir);
      return { op: 'npy', args: { path: f.path }, names: [f.path], what: f.what };
    }, 0.7),
    family('cfg', ({ rng, dir }) => {
      const f = cfgFile(rng, seeds, dir);
      return { op: 'model', args: { model: f.path }, names: [f.path], what: f.what };
    }, 1.5),
    family('weights', ({ rng, dir }) => {
      const f = weightsFiles(rng, seeds, dir);
      return { op: 'model', args: { model: f.cfg, weights: f.weights }, names: [f.cfg, f.weights], what: f.what };
    }),
    family('h5', async ({ rng, dir }) => {
      const f = await h5File(rng, seeds, dir);
      return { op: 'model', args: { model: f.path }, names: [f.path], what: f.what };
    }, 1.5),
    family('keras', ({ rng, dir }) => {
      const f = kerasFile(rng, seeds, dir);
      return { op: 'model', args: { model: f.path }, names: [f.path], what: f.what };
    }, 1.2),
    family('onnx', ({ rng, dir }) => {
      const f = onnxFile(rng, seeds, dir);
      return { op: 'model', args: { model: f.path, anchors: f.anchors }, names: f.anchors === undefined ? [f.path] : [f.path, '--anchors'], what: f.what };
    }, 1.5),
    family('names', ({ rng, dir }) => {
      const text = namesText(rng);
      if (rng.chance(0.5)) return { op: 'names', args: { text }, names: [], what: `parseNames ${JSON.stringify(text.slice(0, 60))}` };
      const path = join(dir, 'classes.names');
      writeFileSync(path, text);
      return { op: 'model', args: { model: fixturePath(CFG.shapes), weights: fixturePath(CFG.shapesWeights), names: path }, names: [path], what: `names file ${JSON.stringify(text.slice(0, 60))}` };
    }, 0.5),
    family('target', ({ rng }) => {
      const spec = targetSpec(rng);
      return { op: 'target', args: { spec }, names: [], what: `target ${JSON.stringify(spec.slice(0, 80))}` };
    }, 0.4),
    family('anchors', ({ rng }) => {
      const text = anchorsText(rng);
      return { op: 'anchors', args: { text }, names: [], what: `anchors ${JSON.stringify(text.slice(0, 80))}` };
    }, 0.3),
    family('special', ({ rng, dir }) => {
      const kind = rng.pick(SPECIAL_KINDS);
      const reader = rng.pick(['read', 'image', 'npy', 'model'] as const);
      const inputKind = rng.pick(['cfg', 'names', 'npy', 'model', 'weights'] as const);
      const ext = reader === 'image' ? rng.pick(['png', 'jpg', 'svg']) : reader === 'npy' ? 'npy' : reader === 'model' ? rng.pick(['cfg', 'onnx', 'h5', 'keras']) : inputKind;
      const limit = reader === 'model' ? (ext === 'cfg' ? INPUT_FILE_LIMITS.cfg : INPUT_FILE_LIMITS.model) : reader === 'npy' ? INPUT_FILE_LIMITS.npy : reader === 'image' ? 2 ** 30 : INPUT_FILE_LIMITS[inputKind];
      if (reader === 'image' && ext === 'svg' && rng.chance(0.5)) {
        // An SVG that references a special file next to it (librsvg loads same-folder images).
        const target = specialPath(kind, dir, 'png', limit, socketPath);
        const svg = join(dir, 'refers.svg');
        writeFileSync(svg, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64"><image xlink:href="${target.split('/').pop()}" href="${target.split('/').pop()}" width="64" height="64"/></svg>`);
        return { op: 'image', args: { path: svg }, names: [svg], what: `svg referring to ${kind}` };
      }
      const path = specialPath(kind, dir, ext, limit, socketPath);
      const names = [path];
      const args = reader === 'read' ? { path, kind: inputKind } : reader === 'model' ? { model: path } : { path };
      return { op: reader, args, names, what: `${kind} as ${reader}${reader === 'read' ? ` (${inputKind})` : ''} .${ext}` };
    }, 0.5),
  ];
}
