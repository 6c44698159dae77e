import { formatSummary, summarizeGraph } from '@yolo-saliency/core/graph';
import type { Command } from '../command.js';
import { chooseModel, MODEL_OPTIONS } from '../model-options.js';

export const infoCommand: Command = {
  spec: {
    name: 'info',
    summary: 'Print the model layer by layer: output shapes, parameters, settings',
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
    if (args.flag('json')) {
      const summary = {
        model: choice.modelPath,
        description: choice.modelFile.description,
        weightsSource: choice.modelFile.weightsSource,
        inputSize: choice.inputSize,
        heads: graph.heads.map((h) => graph.nodes[h].name),
        classNames: graph.classNames,
        layers: rows,
      };
      process.stdout.write(JSON.stringify(summary) + '\n');
      return 0;
    }
    process.stdout.write(`${choice.modelFile.description}\n\n${formatSummary(rows, graph)}\n`);
    return 0;
  },
};
