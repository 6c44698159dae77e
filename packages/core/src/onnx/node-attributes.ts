/** Typed access to an ONNX node's attributes, with errors that name the node. */
import { printable } from '../util/printable.js';
import type { OnnxNode } from './onnx-model.js';

/** "Conv at node 'conv_3'"; both names come from the file, so they are escaped. */
export const describeNode = (n: OnnxNode) => `${printable(n.opType, 64)} at node '${printable(n.name)}'`;

function wrongType(n: OnnxNode, name: string, want: string): Error {
  return new Error(`${describeNode(n)}: attribute '${name}' is not ${want}`);
}

export function attrInt(n: OnnxNode, name: string, fallback: number): number {
  const a = n.attributes.get(name);
  if (!a) return fallback;
  if (a.type !== 'int') throw wrongType(n, name, 'an integer');
  return a.value;
}

export function attrFloat(n: OnnxNode, name: string, fallback: number): number {
  const a = n.attributes.get(name);
  if (!a) return fallback;
  if (a.type !== 'float') throw wrongType(n, name, 'a float');
  return a.value;
}

export function attrString(n: OnnxNode, name: string, fallback: string): string {
  const a = n.attributes.get(name);
  if (!a) return fallback;
  if (a.type !== 'string') throw wrongType(n, name, 'a string');
  return a.value;
}

export function attrInts(n: OnnxNode, name: string): number[] | undefined {
  const a = n.attributes.get(name);
  if (!a) return undefined;
  if (a.type !== 'ints') throw wrongType(n, name, 'a list of integers');
  return a.value;
}

export function attrFloats(n: OnnxNode, name: string): number[] | undefined {
  const a = n.attributes.get(name);
  if (!a) return undefined;
  if (a.type !== 'floats') throw wrongType(n, name, 'a list of floats');
  return a.value;
}

/**
 * The shortest decimal that rounds to the same float32: ONNX stores attributes such as a
 * LeakyRelu slope or an epsilon as float32, so 0.1 arrives as 0.100000001490116; the model's
 * author meant 0.1.
 */
export function float32Decimal(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.fround(x);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}
