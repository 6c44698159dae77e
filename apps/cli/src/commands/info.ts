import { formatSummary, summarizeGraph } from '@yolo-saliency/core/graph';
import { darknetLayerTable, formatDarknetLayerTable } from '@yolo-saliency/core/loaders';
import type { Command } from '../command.js';
import { chooseModel, MODEL_OPTIONS } from '../model-options.js';

export const infoCommand: Command = {
  spec: {
    name: 'info',
    summary: "Print the model layer by layer: output shapes, parameters, settings (a darknet model also as darknet lists it, with its .weights size)",
    usage: 'info [--model M] [--weights W] [--names N] [--input-size N] [--json]',
    options: {
      ...MODEL_OPTIONS,
      json: { type: 'boolean', description: 'print the rows as one JSON object' },
    },
  },
  async run(args) {
    const choice = await chooseModel(args, 'info');
    const { graph } = choice.modelFile;
    const rows = summarizeGraph(graph, choice.inputSize);
    // A darknet model also as darknet lists it (one row per cfg block, darknet's numbering), to compare with darknet's own printout.
    const { darknet } = choice.modelFile;
    const darknetTable = darknet ? darknetLayerTable({ graph, ...darknet }, choice.inputSize) : undefined;
    if (args.flag('json')) {
      const summary = {
        model: choice.modelPath,
        description: choice.modelFile.description,
        weightsSource: choice.modelFile.weightsSource,
        inputSize: choice.inputSize,
        heads: graph.heads.map((h) => graph.nodes[h].name),
        classNames: graph.classNames,
        layers: rows,
        ...(darknetTable ? { darknetLayers: darknetTable.rows, weightsBytes: darknetTable.weightsBytes } : {}),
      };
      process.stdout.write(JSON.stringify(summary) + '\n');
      return 0;
    }
    const darknetText = darknetTable ? `\n\nAs darknet lists the cfg's layers:\n${formatDarknetLayerTable(darknetTable)}` : '';
    process.stdout.write(`${choice.modelFile.description}\n\n${formatSummary(rows, graph)}${darknetText}\n`);
    return 0;
  },
};
