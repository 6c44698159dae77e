/** JSON shapes the CLI prints (kept in one place: tests and scripts read them). */
import type { Detection, RuntimeInfo } from '@yolo-saliency/core';

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

export function runtimeJson(info: RuntimeInfo): { runtime: string; backend: string; device: string; threads?: number; notes: string[] } {
  return { runtime: info.name, backend: info.backend, device: info.device, ...(info.threads ? { threads: info.threads } : {}), notes: info.notes };
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
