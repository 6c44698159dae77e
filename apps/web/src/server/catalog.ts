/**
 * Models and images a session may use: the bundled ones (from @yolo-saliency/node's list)
 * and the session's own uploads. Clients name them by id; only this module maps ids to files.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BUNDLED_IMAGES, BUNDLED_MODELS, bundledImage, bundledModel, loadModelFile, missingBundledFiles, readImage } from '@yolo-saliency/node';
import type { BundledModel } from '@yolo-saliency/node';
import type { ImageInfo, ModelFileRole, ModelInfo } from '../shared/api.js';
import type { ModelRef } from './compute-protocol.js';
import { HttpError } from './http-error.js';
import type { Session } from './sessions.js';
import { IMAGE_TYPES, imageFormat } from './upload-checks.js';
import { readFile } from 'node:fs/promises';

export function formatOf(path: string): ModelInfo['format'] {
  if (/\.onnx$/i.test(path)) return 'onnx';
  if (/\.(h5|hdf5|keras)$/i.test(path)) return 'keras';
  return 'darknet';
}

async function describeBundledModel(model: BundledModel): Promise<ModelInfo | undefined> {
  if (missingBundledFiles(model).length > 0) return undefined;
  const { graph, weightsSource, description } = await loadModelFile(model.files.model, { weights: model.files.weights, names: model.files.names });
  const files: ModelInfo['files'] = [];
  for (const role of ['model', 'weights', 'names'] as const) {
    const path = model.files[role];
    if (path) files.push({ role, name: basename(path), bytes: (await stat(path)).size });
  }
  return {
    id: model.id,
    title: model.title,
    source: 'bundled',
    format: formatOf(model.files.model),
    trained: weightsSource === 'file',
    classNames: graph.classNames,
    inputSize: graph.inputSize,
    description,
    files,
    image: model.image,
  };
}

async function describeBundledImage(id: string, title: string, path: string): Promise<ImageInfo | undefined> {
  try {
    const { width, height } = await readImage(path);
    return { id, title, source: 'bundled', width, height };
  } catch {
    return undefined;
  }
}

/** The bundled models and images that are on disk, described once per server. */
export class Catalog {
  private bundled?: Promise<{ models: ModelInfo[]; images: ImageInfo[] }>;

  load(): Promise<{ models: ModelInfo[]; images: ImageInfo[] }> {
    this.bundled ??= (async () => {
      const models = (await Promise.all(BUNDLED_MODELS.map(describeBundledModel))).filter((m): m is ModelInfo => !!m);
      const images = (await Promise.all(BUNDLED_IMAGES.map((i) => describeBundledImage(i.id, i.title, i.path)))).filter((i): i is ImageInfo => !!i);
      return { models, images };
    })();
    return this.bundled;
  }

  async models(session: Session): Promise<ModelInfo[]> {
    return [...(await this.load()).models, ...[...session.models.values()].map((m) => m.info)];
  }

  async images(session: Session): Promise<ImageInfo[]> {
    return [...(await this.load()).images, ...[...session.images.values()].map((i) => i.info)];
  }

  /** The files of a model this session may use, for a compute process. */
  async modelRef(session: Session, id: string): Promise<{ ref: ModelRef; info: ModelInfo }> {
    const uploaded = session.models.get(id);
    if (uploaded) return { ref: uploaded.ref, info: uploaded.info };
    const bundled = bundledModel(id);
    const info = (await this.load()).models.find((m) => m.id === id);
    if (!bundled || !info) throw new HttpError(404, `no model '${id}' (it may have expired: upload it again)`);
    return { ref: { key: `bundled:${id}`, files: bundled.files }, info };
  }

  /** The path of an image this session may use. */
  async imagePath(session: Session, id: string): Promise<string> {
    const uploaded = session.images.get(id);
    if (uploaded) return uploaded.path;
    const bundled = bundledImage(id);
    if (!bundled || !(await this.load()).images.some((i) => i.id === id)) throw new HttpError(404, `no image '${id}' (it may have expired: upload it again)`);
    return bundled.path;
  }

  /** An image's bytes and type, for the page. */
  async imageFile(session: Session, id: string): Promise<{ bytes: Buffer; contentType: string }> {
    const bytes = await readFile(await this.imagePath(session, id));
    const format = imageFormat(bytes);
    return { bytes, contentType: format ? IMAGE_TYPES[format] : 'application/octet-stream' };
  }

  /** One file of a model, for computing in the browser. */
  async modelFile(session: Session, id: string, role: ModelFileRole): Promise<{ bytes: Buffer; name: string }> {
    const { ref, info } = await this.modelRef(session, id);
    const path = ref.files[role];
    const name = info.files.find((f) => f.role === role)?.name;
    if (!path || !name) throw new HttpError(404, `model '${id}' has no ${role} file`);
    return { bytes: await readFile(path), name };
  }
}
