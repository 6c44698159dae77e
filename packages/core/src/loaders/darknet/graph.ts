/**
 * Darknet layers -> IR nodes. Node names carry the darknet layer index (`conv_12`,
 * `leaky_12`, `route_83`, ...) so a user can match them to darknet's layer table.
 */
import { GraphBuilder } from '../../graph/builder.js';
import { darknetMaxPoolPads } from '../../graph/shapes.js';
import type { ActivationKind, Graph } from '../../graph/types.js';
import type { DarknetConvShape } from './layer-channels.js';
import type { DarknetCfg, DarknetLayer } from './types.js';

export interface DarknetGraph {
  graph: Graph;
  /**
   * For each darknet layer index, the node whose output is that layer's output (a conv's
   * activation node, a single-layer route's source, a yolo layer's head node).
   */
  layerNodes: number[];
}

export function buildDarknetGraph(
  cfg: DarknetCfg,
  convs: DarknetConvShape[],
  convWeights: Array<{ weights: Float32Array; bias: Float32Array }>,
  classNames?: string[],
): DarknetGraph {
  const b = new GraphBuilder(cfg.channels);
  const layerNodes: number[] = [];
  let convIndex = 0;

  // A yolo layer's darknet output is a decoded tensor our IR does not compute: nothing may read it.
  const output = (j: number, reader: DarknetLayer): number => {
    const source = cfg.layers[j];
    if (source.type === 'yolo') {
      throw new Error(`${cfg.fileName}:${reader.line}: [${reader.type}] layer ${reader.index}: reads the output of [yolo] layer ${j}, which is not supported`);
    }
    return layerNodes[j];
  };
  const activate = (node: number, activation: ActivationKind, index: number) =>
    activation === 'linear' ? node : b.activation(`${activation}_${index}`, node, activation, 0.1);

  for (const layer of cfg.layers) {
    const i = layer.index;
    // Every layer but a route reads the previous layer's output.
    const input = layer.type === 'route' ? -1 : i === 0 ? 0 : output(i - 1, layer);
    switch (layer.type) {
      case 'convolutional': {
        const shape = convs[convIndex];
        const { weights, bias } = convWeights[convIndex++];
        const conv = b.conv(`conv_${i}`, input, {
          filters: layer.filters,
          channels: shape.channels,
          kernel: layer.size,
          stride: layer.stride,
          pads: layer.padding,
          weights,
          bias,
        });
        layerNodes.push(activate(conv, layer.activation, i));
        break;
      }
      case 'maxpool':
        layerNodes.push(b.maxpool(`maxpool_${i}`, input, layer.size, layer.stride, darknetMaxPoolPads(layer.size, layer.padding)));
        break;
      case 'upsample':
        layerNodes.push(layer.stride === 1 ? input : b.upsample(`upsample_${i}`, input, layer.stride));
        break;
      case 'route': {
        const sources = layer.layers.map((j) => output(j, layer));
        // A single-layer route is an identity: point at its source instead of adding a node.
        layerNodes.push(sources.length === 1 ? sources[0] : b.concat(`route_${i}`, sources));
        break;
      }
      case 'shortcut': {
        const sum = b.addNode(`shortcut_${i}`, [input, output(layer.from, layer)]);
        layerNodes.push(activate(sum, layer.activation, i));
        break;
      }
      case 'yolo':
        layerNodes.push(b.yolo(`yolo_${i}`, input, layer.anchors, layer.classes, layer.scaleXY));
        break;
    }
  }

  try {
    const graph = b.build({ inputSize: [cfg.height, cfg.width], classNames, source: 'darknet' });
    return { graph, layerNodes };
  } catch (error) {
    throw new Error(`${cfg.fileName}: ${(error as Error).message}`);
  }
}
