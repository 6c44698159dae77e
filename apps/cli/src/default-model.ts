/**
 * The bundled models the CLI falls back to, from the one list every app reads
 * (@yolo-saliency/node's bundled-models.ts): Yolo-Fastest-1.1-xl, a real trained COCO
 * detector, by default; the synthetic shapes detector where the data is synthetic shapes
 * (evaluate-detector).
 */
import { bundledImage, bundledModel, DEFAULT_IMAGE_ID, DEFAULT_MODEL_ID, missingBundledFiles } from '@yolo-saliency/node';

export interface DefaultModelPaths {
  model: string;
  weights: string;
  names: string;
}

/**
 * The bundled model's files; `weights` (the user's --weights) replaces the bundled weights.
 * Missing files are one line that says which and what to do.
 */
export function defaultModelPaths(weights?: string, id: string = DEFAULT_MODEL_ID): DefaultModelPaths {
  const model = bundledModel(id);
  if (!model) throw new Error(`the bundled model '${id}' does not exist`);
  const { files } = model;
  const missing = missingBundledFiles({ ...model, files: { ...files, weights: weights ? undefined : files.weights } });
  if (missing.length) {
    const hint = id === 'shapes' && missing.includes(files.weights!) ? 'run `pnpm train` to make them, or pass --model' : 'pass --model';
    throw new Error(`${missing[0]}: the bundled model's file is missing (${model.title}); ${hint}`);
  }
  return { model: files.model, weights: weights ?? files.weights!, names: files.names! };
}

/** The image the default model is shown on: dog.jpg. */
export const DEFAULT_IMAGE = bundledImage(DEFAULT_IMAGE_ID)!.path;

/** The bundled photo (dog.jpg), the input of benchmarks whatever the model. */
export const PHOTO_IMAGE = bundledImage('dog')!.path;
