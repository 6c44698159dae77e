/**
 * What the server's compute process and the page's own worker do once they hold a loaded model
 * and a picture: detect, or explain a target with the chosen methods, and shape the answer the
 * page reads (boxes in picture pixels, maps as [H, W, C] arrays). One function, so the server's
 * and the browser's results are the same JSON whatever runtime computed them. Browser-safe.
 */
import { decodeDetections, explainAll, letterboxBoxToImage, letterboxImage } from '@yolo-saliency/core';
import type { Detection, Image8, Letterbox, LoadedModel, MethodName } from '@yolo-saliency/core';
import type { DetectionJson, RuntimeJson } from './api.js';

export interface ComputedMap {
  method: MethodName;
  milliseconds: number;
  targetValue: number;
  completenessError?: number;
  /** [H, W, C] */
  dims: number[];
  data: Float32Array;
}

export interface ModelComputation {
  runtime: RuntimeJson;
  inputSize: [number, number];
  letterbox: Letterbox;
  detections: DetectionJson[];
  target?: { spec: string; value: number; detection?: DetectionJson };
  /** Absent for a detect task. */
  maps?: ComputedMap[];
  milliseconds: number;
}

export type ModelTask =
  | { kind: 'detect' }
  | { kind: 'explain'; target: string; methods: MethodName[]; steps?: number; samples?: number; noise?: number };

export function detectionJson(d: Detection, index: number, letterbox: Letterbox): DetectionJson {
  const box = letterboxBoxToImage(d.box, letterbox).map((v) => Math.round(v * 100) / 100) as DetectionJson['box'];
  return { index, className: d.className, classIndex: d.classIndex, score: d.score, objectness: d.objectness, box, cell: d.cell };
}

function sameDetection(a: Detection, b: Detection): boolean {
  return a.classIndex === b.classIndex && a.cell.scale === b.cell.scale && a.cell.anchor === b.cell.anchor && a.cell.y === b.cell.y && a.cell.x === b.cell.x;
}

/**
 * Run `task` on `picture`. `onProgress` is called between IG and SmoothGrad batches (a throw
 * there stops the work: the server's cancel); `started` is when the caller's clock began (model
 * loading included in `milliseconds`).
 */
export async function computeOnModel(
  model: LoadedModel,
  picture: Image8,
  task: ModelTask,
  onProgress?: (done: number, total: number, method: MethodName) => void,
  started = performance.now(),
): Promise<ModelComputation> {
  const { input, letterbox } = letterboxImage(picture, model.inputSize);
  const info = model.info;
  const runtime: RuntimeJson = { name: info.name, backend: info.backend, device: info.device, ...(info.threads ? { threads: info.threads } : {}), notes: info.notes };
  const base = { runtime, inputSize: model.inputSize, letterbox };

  if (task.kind === 'detect') {
    const { heads } = await model.forward(input);
    const detections = decodeDetections(model.graph, heads).map((d, k) => detectionJson(d, k, letterbox));
    return { ...base, detections, milliseconds: performance.now() - started };
  }

  const explanation = await explainAll(model, input, task.methods, {
    target: task.target,
    detections: true,
    steps: task.steps,
    samples: task.samples,
    noise: task.noise,
    onProgress,
  });
  const all = explanation.detections ?? [];
  const explained = explanation.detection;
  return {
    ...base,
    detections: all.map((d, k) => detectionJson(d, k, letterbox)),
    target: {
      spec: task.target,
      value: explanation.targetValue,
      ...(explained ? { detection: detectionJson(explained, all.findIndex((d) => sameDetection(d, explained)), letterbox) } : {}),
    },
    maps: explanation.maps.map((m) => ({
      method: m.method,
      milliseconds: m.milliseconds,
      targetValue: m.targetValue,
      ...(m.completenessError !== undefined ? { completenessError: m.completenessError } : {}),
      dims: m.map.dims.length === 4 ? m.map.dims.slice(1) : m.map.dims,
      data: m.map.data,
    })),
    milliseconds: performance.now() - started,
  };
}
