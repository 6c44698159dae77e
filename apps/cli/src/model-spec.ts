/**
 * The files and values that make a command's model, as plain data: what chooseModel loaded
 * (--model, --weights, --names, --anchors, --input-size, or the bundled model's files), so the
 * same model can be loaded again elsewhere. A fleet job carries one; the worker loads it through
 * chooseModel as if those options were given.
 */
import { resolve } from 'node:path';
import { ParsedArgs } from './cli-args.js';
import { defaultModelPaths } from './default-model.js';
import { chooseModel, type ModelChoice } from './model-options.js';

export interface ModelSpec {
  /** Absolute paths of the files. */
  model: string;
  weights?: string;
  names?: string;
  /** --anchors as given. */
  anchors?: string;
  /** --input-size, when given. */
  inputSize?: number;
}

/** The spec of the model `chooseModel(args)` chose. */
export function modelSpecOf(args: ParsedArgs, choice: ModelChoice): ModelSpec {
  const weights = args.string('weights');
  // Without --model the bundled model's files were used: name them, so a worker loads these very files.
  const defaults = choice.isDefault ? defaultModelPaths(weights) : undefined;
  const names = args.string('names') ?? defaults?.names;
  const anchors = args.string('anchors');
  const all = weights ?? defaults?.weights;
  return {
    model: resolve(choice.modelPath),
    ...(all ? { weights: resolve(all) } : {}),
    ...(names ? { names: resolve(names) } : {}),
    ...(anchors !== undefined ? { anchors } : {}),
    ...(choice.inputSizeGiven ? { inputSize: choice.inputSize[0] } : {}),
  };
}

/** Load the model of a spec as `command` would with those options. */
export function chooseModelOf(spec: ModelSpec, command: string): Promise<ModelChoice> {
  const values: ParsedArgs['values'] = {
    model: spec.model,
    ...(spec.weights ? { weights: spec.weights } : {}),
    ...(spec.names ? { names: spec.names } : {}),
    ...(spec.anchors !== undefined ? { anchors: spec.anchors } : {}),
    ...(spec.inputSize !== undefined ? { 'input-size': String(spec.inputSize) } : {}),
  };
  return chooseModel(new ParsedArgs(command, values, []), command);
}

/** The files of a spec, for digests and messages. */
export const specFiles = (spec: ModelSpec): string[] => [spec.model, spec.weights, spec.names].filter((f): f is string => !!f);
