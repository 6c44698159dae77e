/**
 * Darknet layers -> IR nodes, each block type by its own module (sections/). Node names carry
 * the darknet layer index (`conv_12`, `leaky_12`, `route_83`, ...) so a user can match them to
 * darknet's layer table.
 */
import { GraphBuilder } from '../../graph/builder.js';
import type { ActivationKind, Graph } from '../../graph/types.js';
import { darknetLayerChannels, type DarknetConvShape } from './layer-channels.js';
import { sectionOf, type DarknetBuildContext } from './sections/index.js';
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
  const builder = new GraphBuilder(cfg.channels);
  const channels = darknetLayerChannels(cfg);
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
    activation === 'linear' ? node : builder.activation(`${activation}_${index}`, node, activation, 0.1);

  for (const layer of cfg.layers) {
    const ctx: DarknetBuildContext = {
      builder,
      cfg,
      output: (j) => output(j, layer),
      previous: () => (layer.index === 0 ? 0 : output(layer.index - 1, layer)),
      channelsOf: (j) => channels[j],
      nextConv: () => ({ channels: convs[convIndex].channels, ...convWeights[convIndex++] }),
      activate,
    };
    layerNodes.push(sectionOf(layer).build(layer, ctx));
  }

  try {
    const graph = builder.build({ inputSize: [cfg.height, cfg.width], classNames, source: 'darknet' });
    return { graph, layerNodes };
  } catch (error) {
    throw new Error(`${cfg.fileName}: ${(error as Error).message}`);
  }
}
