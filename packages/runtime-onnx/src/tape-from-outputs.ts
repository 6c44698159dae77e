/** ONNX Runtime's tape outputs of one forward -> the addon's tape (one entry per graph node). */
import type { OnnxOutputInfo } from '@yolo-saliency/core/onnx';
import type { NativeTape, NativeTapeEntry } from '@yolo-saliency/native';
import type { Tensor } from 'onnxruntime-node';

/**
 * outputs: what the session's model exports; results: session.run's answer; nodeCount: the
 * graph's node count (one tape entry each). Every array is handed over as ONNX
 * Runtime returned it: the export's layouts are the addon's (NCHW; maxpool argmax as int32
 * offsets within each (n, c) plane). What an activation's backward reads (core's
 * ACTIVATION_FUNCTIONS `tape`) maps one to one: 'sign' -> signs (leaky, relu),
 * 'activation-output' -> output (logistic), 'activation-input' -> input (mish, swish).
 */
export function tapeFromOutputs(outputs: readonly OnnxOutputInfo[], results: Record<string, Tensor>, nodeCount: number, batch: number): NativeTape {
  const nodes: Array<NativeTapeEntry | null> = new Array(nodeCount).fill(null);
  for (const output of outputs) {
    if (output.kind === 'head') continue;
    const data = results[output.name]?.data;
    if (!data) throw new Error(`onnx runtime: onnxruntime returned no '${output.name}' output`);
    const entry = (nodes[output.node] ??= {});
    switch (output.kind) {
      case 'sign':
        entry.signs = data as Uint8Array;
        break;
      case 'activation-output':
        entry.output = data as Float32Array;
        break;
      case 'activation-input':
        entry.input = data as Float32Array;
        break;
      case 'mean':
        entry.mean = data as Float32Array;
        break;
      case 'argmax':
        entry.argmax = data as Int32Array;
        break;
    }
  }
  return { batch, nodes };
}
