#!/usr/bin/env node
/** The `yolo-saliency` command: dispatch to one command, turn failures into one-line errors. */
import { formatHelp, parseCommandArgs } from './cli-args.js';
import { EXIT_USAGE, reportError, UsageError, wantsStack } from './cli-errors.js';
import type { Command } from './command.js';
import { benchmarkCommand } from './commands/benchmark.js';
import { convertCommand } from './commands/convert.js';
import { detectCommand } from './commands/detect.js';
import { doctorCommand } from './commands/doctor.js';
import { evaluateCommand } from './commands/evaluate.js';
import { evaluateDetectorCommand } from './commands/evaluate-detector.js';
import { explainCommand } from './commands/explain.js';
import { generateDatasetCommand } from './commands/generate-dataset.js';
import { infoCommand } from './commands/info.js';
import { trainCommand } from './commands/train.js';
import { installSignalHandlers } from './interrupt.js';

const COMMANDS: Command[] = [explainCommand, detectCommand, infoCommand, doctorCommand, benchmarkCommand, convertCommand, generateDatasetCommand, trainCommand, evaluateCommand, evaluateDetectorCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    'Usage: yolo-saliency <command> [options]',
    '',
    'Saliency maps for YOLOv3 detectors.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    "Run 'yolo-saliency <command> --help' for a command's options.",
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) throw new UsageError(`unknown command '${name}' (commands: ${COMMANDS.map((c) => c.spec.name).join(', ')})`);
  const args = parseCommandArgs(command.spec, rest);
  if (args.flag('help')) {
    process.stdout.write(formatHelp(command.spec));
    return 0;
  }
  return command.run(args);
}

const argv = process.argv.slice(2);
installSignalHandlers();
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error, wantsStack(argv));
  },
);
