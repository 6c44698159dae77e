/** JSON shapes the CLI prints (kept in one place: tests and scripts read them). */
import type { Detection, RuntimeInfo } from '@yolo-saliency/core';
import type { ModelChoice } from './model-options.js';

export interface DetectionJson {
  className: string;
  classIndex: number;
  score: number;
  objectness: number;
  /** [x1, y1, x2, y2] in original image pixels. */
  box: [number, number, number, number];
}

export function detectionJson(detection: Detection, box: [number, number, number, number]): DetectionJson {
  return {
    className: detection.className,
    classIndex: detection.classIndex,
    score: round(detection.score, 6),
    objectness: round(detection.objectness, 6),
    box: box.map((v) => round(v, 2)) as DetectionJson['box'],
  };
}

/** Which model ran, and whether its weights are real: every summary starts with it. */
export function modelJson(choice: ModelChoice): { model: string; modelDescription: string; weightsSource: string; untrained: boolean } {
  return {
    model: choice.modelPath,
    modelDescription: choice.modelFile.description,
    weightsSource: choice.modelFile.weightsSource,
    untrained: choice.modelFile.weightsSource === 'seeded',
  };
}

export function runtimeJson(info: RuntimeInfo): { runtime: string; backend: string; device: string; threads?: number; notes: string[] } {
  return { runtime: info.name, backend: info.backend, device: info.device, ...(info.threads ? { threads: info.threads } : {}), notes: info.notes };
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
