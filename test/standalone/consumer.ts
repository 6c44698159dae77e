// A consumer project's code: only the packages' public, typed API (ESM).
// The standalone-packages test compiles this with tsc and runs it with node.
import { explain, letterboxImage, type SaliencyMap } from '@yolo-saliency/core';
import { loadDarknet } from '@yolo-saliency/core/loaders';
import { renderSaliency } from '@yolo-saliency/core/render';
import { readImage, writeImage, writeNpy } from '@yolo-saliency/node';
import { createOnnxRuntime } from '@yolo-saliency/runtime-onnx';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import { nativeBuildInfo } from '@yolo-saliency/native';

const [cfgPath, imagePath, outDir] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');

const { graph, weightsSource } = loadDarknet({ cfg: readFileSync(cfgPath, 'utf8'), cfgName: cfgPath });
const size: [number, number] = [64, 64];
const target = 'raw:scale=0,anchor=0,y=1,x=1,channel=4';
const tfjs = await createTfjsRuntime().load(graph, { inputSize: size, backend: 'cpu' });
const onnx = await createOnnxRuntime().load(graph, { inputSize: size, backend: 'cpu' });
const { input } = letterboxImage(await readImage(imagePath), size);
const map: SaliencyMap = await explain(tfjs, input, { method: 'vanilla', target });
const onnxMap: SaliencyMap = await explain(onnx, input, { method: 'vanilla', target });
let dot = 0;
let na = 0;
let nb = 0;
map.map.data.forEach((a, i) => {
  const b = onnxMap.map.data[i];
  dot += a * b;
  na += a * a;
  nb += b * b;
});
await writeImage(`${outDir}/vanilla.png`, renderSaliency(map.map));
await writeNpy(`${outDir}/vanilla.npy`, map.map);
let finite = true;
let nonZero = 0;
for (const v of map.map.data) {
  if (!Number.isFinite(v)) finite = false;
  if (v !== 0) nonZero++;
}
await tfjs.dispose();
await onnx.dispose();
console.log(JSON.stringify({
  weightsSource,
  dims: map.map.dims,
  finite,
  nonZero,
  backend: tfjs.info.backend,
  onnxBackend: onnx.info.backend,
  cosine: dot / Math.sqrt(na * nb),
  cudaCompiled: nativeBuildInfo().cuda.compiled,
}));
