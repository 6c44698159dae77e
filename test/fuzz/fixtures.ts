/**
 * The seeds the fuzz suite mutates: the repository's fixtures (images, cfgs, weights, Keras
 * files) and files made from them once per process (other image formats, .npy inputs, ONNX
 * exports, a foreign ONNX model, Keras configs with their weights). Built from the sources
 * (vitest resolves the workspace packages to src); the parsers under test run on dist.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadDarknet } from '@yolo-saliency/core/loaders';
import { exportOnnx, GRAPH_METADATA_KEY } from '@yolo-saliency/core/onnx';
import { encodeNpy, readImage } from '@yolo-saliency/node';
import { decodeOnnxModel } from '../../packages/core/src/onnx/decode-model.js';
import type { OnnxModel } from '../../packages/core/src/onnx/onnx-model.js';
import { foreignModel } from '../../packages/core/test/helpers/onnx-foreign.js';
import { fixtureConfigAndWeights, toKeras2Config } from '../../packages/core/test/helpers/keras-files.js';
import type { LayerWeights } from '../../packages/core/src/loaders/keras/weights.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const fixturePath = (p: string) => `${ROOT}fixtures/${p}`;
const read = (p: string) => new Uint8Array(readFileSync(fixturePath(p)));
const text = (p: string) => readFileSync(fixturePath(p), 'utf8');

/** Packages the root does not depend on, from the workspace packages that do. */
const fromCore = createRequire(`${ROOT}packages/core/package.json`);
const fromNode = createRequire(`${ROOT}packages/node/package.json`);
export const fflate = fromCore('fflate') as {
  unzipSync(bytes: Uint8Array): Record<string, Uint8Array>;
  zipSync(entries: Record<string, Uint8Array>, options?: { level?: number }): Uint8Array;
  strToU8(text: string): Uint8Array;
};
type SharpChain = {
  resize(width: number, height: number, o?: object): SharpChain;
  png(o?: object): SharpChain;
  jpeg(o?: object): SharpChain;
  webp(o?: object): SharpChain;
  gif(o?: object): SharpChain;
  tiff(o?: object): SharpChain;
  avif(o?: object): SharpChain;
  ensureAlpha(): SharpChain;
  toColourspace(c: string): SharpChain;
  grayscale(): SharpChain;
  toBuffer(): Promise<Buffer>;
};
const sharp = fromNode('sharp') as (input: Uint8Array | string) => SharpChain;

export const CFG = {
  shapes: 'shapes/shapes-yolov3-tiny.cfg',
  shapesWeights: 'shapes/shapes-yolov3-tiny.weights',
  shapesNames: 'shapes/shapes.names',
  fastest: 'yolo-fastest/yolo-fastest-1.1.cfg',
  fastestWeights: 'yolo-fastest/yolo-fastest-1.1.weights',
} as const;

/** cfg sources for mutation, by weight (the large ones are slow to seed: picked rarely). */
export const CFG_SOURCES: ReadonlyArray<readonly [number, string]> = [
  [40, CFG.shapes],
  [15, 'darknet/yolov3-tiny.cfg'],
  [15, 'darknet/yolov4-tiny.cfg'],
  [10, CFG.fastest],
  [10, 'darknet/yolov7-tiny.cfg'],
  [4, 'darknet/yolov3.cfg'],
  [3, 'darknet/yolov4-csp.cfg'],
  [3, 'darknet/yolov4.cfg'],
];

export interface ImageSeed {
  name: string;
  ext: string;
  bytes: Uint8Array;
}

export interface KerasSeed {
  name: string;
  /** The model config in Keras 2's form (what a whole-model .h5 stores). */
  keras2Config: object;
  /** config.json of the .keras archive. */
  keras3Config: object;
  weights: Map<string, LayerWeights>;
  h5: Uint8Array;
  archive: Uint8Array;
}

export interface Seeds {
  cfgText: (path: string) => string;
  bytes: (path: string) => Uint8Array;
  images: ImageSeed[];
  svg: string;
  /** shapes.png as the float32 [128,128,3] network input. */
  npy: { dims: number[]; data: Float32Array; bytes: Uint8Array };
  onnx: Array<{ name: string; bytes: Uint8Array; model: () => OnnxModel; foreign: boolean }>;
  keras: KerasSeed[];
}

/** dog.jpg stretched to width x height, as a JPEG (large photos for the memory budget). */
export async function photoOfSize(width: number, height: number): Promise<Uint8Array> {
  return new Uint8Array(await sharp(fixturePath('images/dog.jpg')).resize(width, height, { fit: 'fill' }).jpeg({ quality: 70 }).toBuffer());
}

let seeds: Promise<Seeds> | undefined;

/** Build the seeds once per process. */
export function loadSeeds(): Promise<Seeds> {
  seeds ??= buildSeeds();
  return seeds;
}

async function buildSeeds(): Promise<Seeds> {
  const png = read('images/shapes.png');
  const jpg = read('images/dog.jpg');
  const formats: Array<[string, string, () => SharpChain]> = [
    ['shapes-16bit', 'png', () => sharp(png).toColourspace('rgb16').png()],
    ['shapes-gray', 'png', () => sharp(png).grayscale().png()],
    ['shapes-alpha', 'png', () => sharp(png).ensureAlpha().png()],
    ['shapes-progressive', 'jpg', () => sharp(png).jpeg({ progressive: true, quality: 80 })],
    ['shapes-cmyk', 'jpg', () => sharp(png).toColourspace('cmyk').jpeg()],
    ['shapes', 'webp', () => sharp(png).webp()],
    ['shapes', 'gif', () => sharp(png).gif()],
    ['shapes', 'tiff', () => sharp(png).tiff({ compression: 'lzw' } as object)],
    ['shapes', 'avif', () => sharp(png).avif({ effort: 0 } as object)],
  ];
  const images: ImageSeed[] = [
    { name: 'shapes', ext: 'png', bytes: png },
    { name: 'dog', ext: 'jpg', bytes: jpg },
  ];
  for (const [name, ext, make] of formats) {
    try {
      images.push({ name, ext, bytes: new Uint8Array(await make().toBuffer()) });
    } catch {
      // A format this build of sharp cannot write is left out.
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128"><rect width="128" height="128" fill="#808080"/><circle cx="40" cy="40" r="20" fill="red"/><rect x="70" y="70" width="30" height="30" fill="blue"/></svg>`;
  images.push({ name: 'drawing', ext: 'svg', bytes: new TextEncoder().encode(svg) });

  const photo = await readImage(fixturePath('images/shapes.png'));
  const data = Float32Array.from(photo.data, (v) => v / 255);
  const npy = { dims: [photo.height, photo.width, 3], data, bytes: encodeNpy({ dims: [photo.height, photo.width, 3], data }) };

  const shapes = loadDarknet({ cfg: text(CFG.shapes), weights: read(CFG.shapesWeights), classNames: ['circle', 'square', 'triangle', 'cross'] });
  const ours = exportOnnx(shapes.graph).bytes;
  const foreign = foreignModel().bytes;
  const onnx = [
    { name: 'shapes', bytes: ours, foreign: false },
    { name: 'foreign', bytes: foreign, foreign: true },
  ].map((s) => ({ ...s, model: () => decodeOnnxModel(s.bytes)! }));
  if (!onnx[0].model().metadata.has(GRAPH_METADATA_KEY)) throw new Error('the exported model carries no graph metadata');

  const keras: KerasSeed[] = [];
  for (const name of ['keras-tiny-yolo3-w2-c2', 'keras-yolo3-w2-c3']) {
    const { config, weights } = await fixtureConfigAndWeights(name);
    keras.push({ name, keras2Config: toKeras2Config(config), keras3Config: config, weights, h5: read(`keras/${name}.h5`), archive: read(`keras/${name}.keras`) });
  }
  return { cfgText: text, bytes: read, images, svg, npy, onnx, keras };
}
