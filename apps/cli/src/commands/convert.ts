import { realpathSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { exportOnnx, WEIGHTS_SOURCE_METADATA_KEY } from '@yolo-saliency/core/onnx';
import { fileError, messageOf, writeFileAtomic } from '@yolo-saliency/node';
import type { Command } from '../command.js';
import { UsageError } from '../cli-errors.js';
import { chooseModel, MODEL_OPTIONS } from '../model-options.js';
import { prepareOutputFile } from '../output-folder.js';

const where = (path: string) => {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
};

export const convertCommand: Command = {
  spec: {
    name: 'convert',
    summary: 'Write the model as an ONNX file (opset 13, NCHW, symbolic batch)',
    usage: 'convert [--model M] [--weights W] [--names N] [--input-size N] [--tape] --out model.onnx',
    options: {
      ...MODEL_OPTIONS,
      out: { type: 'string', value: 'FILE', description: 'the .onnx file to write (replaced atomically)' },
      tape: { type: 'boolean', description: 'also output the backward tape: LeakyReLU input signs, maxpool argmax, VisualBackProp channel means' },
    },
    notes: 'The ONNX input is "input" [N,3,H,W] float32 at the model (or --input-size) size; the outputs are\nthe raw heads "head0", "head1", ... [N, anchors*(5+classes), h, w]. Anchors, class names and\nlayer names travel in the metadata, so `--model out.onnx` rebuilds the same model.',
  },
  async run(args) {
    const out = args.required('out');
    if (extname(out).toLowerCase() !== '.onnx') throw new UsageError(`--out ${out}: the file name must end in .onnx`, 'convert');
    const inputs = [args.string('model'), args.string('weights'), args.string('names')].filter((p): p is string => !!p);
    const replaced = inputs.find((p) => where(p) === where(out));
    if (replaced) throw new UsageError(`--out ${out} is the input ${replaced}: writing it would replace the model being converted; choose another file`, 'convert');
    await prepareOutputFile(out);
    const choice = await chooseModel(args, 'convert');
    const { graph, weightsSource } = choice.modelFile;
    const tape = args.flag('tape') ? { signs: true, argmax: true, means: true } : undefined;
    const { bytes, outputs } = exportOnnx(graph, { inputSize: choice.inputSize, tape, metadata: { [WEIGHTS_SOURCE_METADATA_KEY]: weightsSource } });
    try {
      await writeFileAtomic(out, bytes);
    } catch (error) {
      throw fileError(out, `cannot write: ${messageOf(error)}`, error);
    }
    const [h, w] = choice.inputSize;
    const heads = outputs.filter((o) => o.kind === 'head').map((o) => `${o.name} [${o.dims.join(',')}]`);
    const tapeCount = outputs.length - heads.length;
    process.stdout.write(`${choice.modelFile.description}\nwrote ${out} (${(bytes.length / 2 ** 20).toFixed(1)} MiB, opset 13, input [N,3,${h},${w}], heads ${heads.join(' ')}${tape ? `, ${tapeCount} tape outputs` : ''})\n`);
    return 0;
  },
};
