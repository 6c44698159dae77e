/**
 * The exported model records a maxpool's argmax as the index within its own (n, c) plane
 * (int32, independent of the batch; core/onnx/export-types.ts), while the addon reads
 * ONNX MaxPool's own convention, indices flattened over the whole NCHW input (native
 * kernels/README.md). This adds each output's plane offset back. The result stays int32
 * while the largest index fits (any chunk the runtime makes), BigInt64 beyond.
 */

/**
 * perPlane: [N, C, oh, ow] indices within an (n, c) plane of inPlane = H*W elements.
 * Returns the same indices flattened over [N, C, H, W].
 */
export function flattenArgmax(perPlane: Int32Array, outPlane: number, inPlane: number): Int32Array | BigInt64Array {
  const planes = perPlane.length / outPlane;
  if (planes * inPlane <= 0x7fffffff) {
    const out = new Int32Array(perPlane.length);
    for (let p = 0; p < planes; p++) {
      const offset = p * inPlane;
      const start = p * outPlane;
      for (let i = start; i < start + outPlane; i++) out[i] = perPlane[i] + offset;
    }
    return out;
  }
  const out = new BigInt64Array(perPlane.length);
  for (let p = 0; p < planes; p++) {
    const start = p * outPlane;
    for (let i = start; i < start + outPlane; i++) out[i] = BigInt(perPlane[i] + p * inPlane);
  }
  return out;
}
