/**
 * The models and images that ship in the repository's fixtures/, and which of them an app
 * opens on. The one list every app reads (the CLI's defaults and the web app): changing the
 * bundled default is an edit of this file alone.
 *
 * Every entry has a stable id, the only thing a client may name: the paths stay here, on the
 * server side.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's fixtures folder, found from this file (src/ or dist/ alike). */
const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

export interface BundledModelFiles {
  /** The model file: darknet .cfg, Keras .h5/.keras or .onnx. */
  model: string;
  /** Darknet .weights (absent: seeded, untrained weights). */
  weights?: string;
  /** Class names, one per line. */
  names?: string;
}

export interface BundledModel {
  /** Stable, URL-safe id. */
  id: string;
  /** For people. */
  title: string;
  files: BundledModelFiles;
  /** False when the weights are seeded: the model then detects nothing real. */
  trained: boolean;
  /** The bundled image this model is shown on first (an id of BUNDLED_IMAGES). */
  image: string;
}

export interface BundledImage {
  id: string;
  title: string;
  path: string;
}

export const BUNDLED_MODELS: readonly BundledModel[] = [
  {
    id: 'yolo-fastest-xl',
    title: 'Yolo-Fastest-1.1-xl (COCO, 80 classes, 320 px, trained)',
    files: {
      model: `${FIXTURES}yolo-fastest/yolo-fastest-1.1-xl.cfg`,
      weights: `${FIXTURES}yolo-fastest/yolo-fastest-1.1-xl.weights`,
      names: `${FIXTURES}darknet/coco.names`,
    },
    trained: true,
    image: 'dog',
  },
  {
    id: 'yolo-fastest',
    title: 'Yolo-Fastest-1.1 (COCO, 80 classes, 320 px, trained; the small variant)',
    files: {
      model: `${FIXTURES}yolo-fastest/yolo-fastest-1.1.cfg`,
      weights: `${FIXTURES}yolo-fastest/yolo-fastest-1.1.weights`,
      names: `${FIXTURES}darknet/coco.names`,
    },
    trained: true,
    image: 'dog',
  },
  {
    id: 'shapes',
    title: 'shapes detector (yolov3-tiny narrowed, 128 px, trained on synthetic shapes)',
    files: {
      model: `${FIXTURES}shapes/shapes-yolov3-tiny.cfg`,
      weights: `${FIXTURES}shapes/shapes-yolov3-tiny.weights`,
      names: `${FIXTURES}shapes/shapes.names`,
    },
    trained: true,
    image: 'shapes',
  },
  {
    id: 'yolov3-tiny-coco-seeded',
    title: 'yolov3-tiny, COCO names, seeded weights (UNTRAINED)',
    files: { model: `${FIXTURES}darknet/yolov3-tiny.cfg`, names: `${FIXTURES}darknet/coco.names` },
    trained: false,
    image: 'dog',
  },
];

export const BUNDLED_IMAGES: readonly BundledImage[] = [
  { id: 'shapes', title: 'shapes.png (held-out synthetic shapes, 128×128)', path: `${FIXTURES}images/shapes.png` },
  { id: 'dog', title: 'dog.jpg', path: `${FIXTURES}images/dog.jpg` },
  { id: 'eagle', title: 'eagle.jpg', path: `${FIXTURES}images/eagle.jpg` },
  { id: 'horses', title: 'horses.jpg', path: `${FIXTURES}images/horses.jpg` },
  { id: 'person', title: 'person.jpg', path: `${FIXTURES}images/person.jpg` },
];

/** The model an app opens on: a real trained COCO detector. */
export const DEFAULT_MODEL_ID = 'yolo-fastest-xl';

/** The image an app opens on (the default model's own). */
export const DEFAULT_IMAGE_ID = 'dog';

/** The synthetic shapes detector: the default where the data is synthetic shapes (evaluate-detector). */
export const SHAPES_MODEL_ID = 'shapes';

export function bundledModel(id: string): BundledModel | undefined {
  return BUNDLED_MODELS.find((m) => m.id === id);
}

export function bundledImage(id: string): BundledImage | undefined {
  return BUNDLED_IMAGES.find((i) => i.id === id);
}

/** The files of a bundled model that are not on disk (a checkout without trained weights, a packed install). */
export function missingBundledFiles(model: BundledModel): string[] {
  return Object.values(model.files).filter((path): path is string => !!path && !existsSync(path));
}
