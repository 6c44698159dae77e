/**
 * The options every model-using command shares (--model, --weights, --names, --input-size,
 * --runtime, --backend) and the model file they choose (model-run.ts loads it into a runtime).
 */
import { checkInputSize } from '@yolo-saliency/core';
import { fileError, loadModelFile } from '@yolo-saliency/node';
import type { ModelFile } from '@yolo-saliency/node';
import { parseAnchorsText } from '@yolo-saliency/node';
import { BOUNDS } from './bounds.js';
import type { OptionSpec, ParsedArgs } from './cli-args.js';
import { UsageError } from './cli-errors.js';
import { defaultModelPaths } from './default-model.js';

export const MODEL_OPTIONS: Record<string, OptionSpec> = {
  model: { type: 'string', value: 'M', description: 'model: darknet .cfg, Keras .h5 or .keras, or .onnx (default: the bundled Yolo-Fastest-1.1-xl, trained on COCO: fixtures/yolo-fastest/)' },
  weights: { type: 'string', value: 'W', description: "darknet .weights for --model's .cfg (without: seeded, untrained weights); without --model: in place of the bundled detector's weights" },
  names: { type: 'string', value: 'N', description: 'class names file, one per line (default with the bundled model: fixtures/darknet/coco.names)' },
  anchors: { type: 'string', value: 'A', description: "anchors of a Keras or foreign ONNX model, which carry none: 'w,h w,h ...; w,h ...', one group per head in output order (default: keras-yolo3's)" },
  'input-size': { type: 'string', value: 'N', description: `network input size N x N (a multiple of the model's largest stride; at most ${BOUNDS.inputSize}, and within --max-memory)` },
};

export const RUNTIME_OPTIONS: Record<string, OptionSpec> = {
  runtime: { type: 'string', value: 'R', description: 'runtime: auto (default) or a name from `doctor`' },
  backend: { type: 'string', value: 'B', description: 'backend within the runtime (onnx: auto, cpu, cuda; tfjs: tensorflow-gpu, tensorflow, wasm, cpu)' },
};

export interface ModelChoice {
  modelFile: ModelFile;
  /** Path of the model file actually used (the default model's when --model is absent). */
  modelPath: string;
  isDefault: boolean;
  inputSize: [number, number];
  /** Whether --input-size set it (then it is the option a memory refusal names). */
  inputSizeGiven: boolean;
}

/**
 * Load the model file named by --model (or the bundled default, `defaultModel` an id of
 * @yolo-saliency/node's bundled models) and settle the input size.
 */
export async function chooseModel(args: ParsedArgs, command: string, defaultModel?: string): Promise<ModelChoice> {
  const size = args.number('input-size', { integer: true, min: 1, max: BOUNDS.inputSize });
  const given = args.string('model');
  const weights = args.string('weights');
  // Without --model, --weights are for the bundled cfg (e.g. a training checkpoint).
  const defaults = given ? undefined : defaultModelPaths(weights, defaultModel);
  const modelPath = given ?? defaults!.model;
  const modelFile = await loadModelFile(modelPath, {
    weights: weights ?? defaults?.weights,
    names: args.string('names') ?? defaults?.names,
    anchors: anchorsOption(args, command),
  });
  printModelWarnings(modelFile);
  const inputSize: [number, number] = size ? [size, size] : modelFile.graph.inputSize;
  try {
    checkInputSize(modelFile.graph, inputSize);
  } catch (error) {
    // The model's own size can be wrong too (a cfg whose strides do not divide its width): then the file is at fault.
    if (size === undefined) throw fileError(modelPath, (error as Error).message, error);
    throw new UsageError(`--input-size: ${(error as Error).message}`, command);
  }
  return { modelFile, modelPath, isDefault: !given, inputSize, inputSizeGiven: size !== undefined };
}

/** Seeded weights explain nothing real: say so on stderr (JSON output carries `untrained`). */
export function warnIfUntrained(choice: ModelChoice, json: boolean): void {
  if (choice.modelFile.weightsSource === 'seeded' && !json) process.stderr.write(`warning: ${choice.modelFile.description}\n`);
}

/** --anchors as anchors per head, or a usage error saying what is wrong with the text. */
function anchorsOption(args: ParsedArgs, command: string): Array<Array<[number, number]>> | undefined {
  const text = args.string('anchors');
  if (text === undefined) return undefined;
  try {
    return parseAnchorsText(text);
  } catch (error) {
    throw new UsageError(`--anchors: ${(error as Error).message}`, command);
  }
}

/** What the loader says the user should know (an unknown .weights version, assumed anchors): stderr, JSON or not. */
function printModelWarnings(modelFile: ModelFile): void {
  for (const warning of modelFile.warnings) process.stderr.write(`warning: ${warning}\n`);
}
