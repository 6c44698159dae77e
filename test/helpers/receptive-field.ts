/**
 * Which input pixels can influence given pixels of one node's output: the union of their
 * receptive fields, walked back through the graph (conv and maxpool windows with their
 * stride and pads, upsample blocks; activations, route, shortcut and heads keep positions).
 */
import type { Graph } from '@yolo-saliency/core';
import { inferShapes } from '@yolo-saliency/core/graph';

/** [H * W] of the network input: 1 where a pixel reaches one of `pixels` ([y, x]) of node `start`. */
export function inputFootprint(graph: Graph, inputSize: [number, number], start: number, pixels: Array<[number, number]>): Uint8Array {
  const shapes = inferShapes(graph, inputSize);
  const masks: Array<Uint8Array | undefined> = new Array(graph.nodes.length);
  const maskOf = (i: number) => (masks[i] ??= new Uint8Array(shapes[i][0] * shapes[i][1]));
  for (const [y, x] of pixels) maskOf(start)[y * shapes[start][1] + x] = 1;
  for (let i = start; i > 0; i--) {
    const mask = masks[i];
    if (!mask) continue;
    const node = graph.nodes[i];
    const [oh, ow] = shapes[i];
    for (const j of node.inputs) {
      const [h, w] = shapes[j];
      const into = maskOf(j);
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          if (!mask[oy * ow + ox]) continue;
          if (node.kind === 'conv' || node.kind === 'maxpool') {
            const [kh, kw] = node.kind === 'conv' ? node.kernel : [node.size, node.size];
            for (let iy = oy * node.stride - node.pads.top; iy < oy * node.stride - node.pads.top + kh; iy++) {
              for (let ix = ox * node.stride - node.pads.left; ix < ox * node.stride - node.pads.left + kw; ix++) {
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) into[iy * w + ix] = 1;
              }
            }
          } else if (node.kind === 'upsample') {
            into[Math.floor(oy / node.factor) * w + Math.floor(ox / node.factor)] = 1;
          } else {
            into[oy * w + ox] = 1;
          }
        }
      }
    }
  }
  return maskOf(0);
}
