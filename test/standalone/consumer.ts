// A consumer project's code: only the packages' public, typed API (ESM).
// The standalone-packages test compiles this with tsc and runs it with node.
import { explain, letterboxImage, loadDarknet, renderSaliency, type SaliencyMap } from '@yolo-saliency/core';
import { readImage, writeImage, writeNpy } from '@yolo-saliency/node';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';

const [cfgPath, imagePath, outDir] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');

const { graph, weightsSource } = loadDarknet({ cfg: readFileSync(cfgPath, 'utf8'), cfgName: cfgPath });
const size: [number, number] = [64, 64];
const model = await createTfjsRuntime().load(graph, { inputSize: size, backend: 'cpu' });
const { input } = letterboxImage(await readImage(imagePath), size);
const map: SaliencyMap = await explain(model, input, {
  method: 'vanilla',
  target: 'raw:scale=0,anchor=0,y=1,x=1,channel=4',
});
await writeImage(`${outDir}/vanilla.png`, renderSaliency(map.map));
await writeNpy(`${outDir}/vanilla.npy`, map.map);
let finite = true;
let nonZero = 0;
for (const v of map.map.data) {
  if (!Number.isFinite(v)) finite = false;
  if (v !== 0) nonZero++;
}
await model.dispose();
console.log(JSON.stringify({ weightsSource, dims: map.map.dims, finite, nonZero, backend: model.info.backend }));
