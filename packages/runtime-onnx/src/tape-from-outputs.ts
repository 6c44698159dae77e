/** ONNX Runtime's tape outputs of one forward -> the addon's tape (one entry per graph node). */
import type { OnnxOutputInfo, Shape3 } from '@yolo-saliency/core';
import type { NativeTape, NativeTapeEntry } from '@yolo-saliency/native';
import type { Tensor } from 'onnxruntime-node';
import { flattenArgmax } from './argmax-layout.js';

/**
 * outputs: what the session's model exports; results: session.run's answer; shapes: the
 * graph's NHWC node shapes per image (core's inferShapes).
 */
export function tapeFromOutputs(
  outputs: readonly OnnxOutputInfo[],
  results: Record<string, Tensor>,
  graphInputs: ReadonlyArray<readonly number[]>,
  shapes: readonly Shape3[],
  batch: number,
): NativeTape {
  const nodes: Array<NativeTapeEntry | null> = shapes.map(() => null);
  for (const output of outputs) {
    if (output.kind === 'head') continue;
    const data = results[output.name]?.data;
    if (!data) throw new Error(`onnx runtime: onnxruntime returned no '${output.name}' output`);
    const entry = (nodes[output.node] ??= {});
    switch (output.kind) {
      case 'sign':
        entry.signs = data as Uint8Array;
        break;
      case 'logistic-output':
        entry.logistic = data as Float32Array;
        break;
      case 'mean':
        entry.mean = data as Float32Array;
        break;
      case 'argmax': {
        const [oh, ow] = shapes[output.node];
        const [ih, iw] = shapes[graphInputs[output.node][0]];
        entry.argmax = flattenArgmax(data as Int32Array, oh * ow, ih * iw);
        break;
      }
    }
  }
  return { batch, nodes };
}
