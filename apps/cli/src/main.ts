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
import { queueCommand } from './commands/queue.js';
import { trainCommand } from './commands/train.js';
import { workerCommand } from './commands/worker.js';
import { installSignalHandlers } from './interrupt.js';

const COMMANDS: Command[] = [explainCommand, detectCommand, infoCommand, doctorCommand, benchmarkCommand, convertCommand, generateDatasetCommand, trainCommand, evaluateCommand, evaluateDetectorCommand, queueCommand, workerCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    'Usage: yolo-saliency <command> [options]',
    '',
    'Saliency maps for YOLO detectors (YOLOv3, YOLOv4, YOLOv7-tiny, Yolo-Fastest).',
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
  let command = COMMANDS.find((c) => c.spec.name === name);
  let options = rest;
  if (!command) throw new UsageError(`unknown command '${name}' (commands: ${COMMANDS.map((c) => c.spec.name).join(', ')})`);
  if (command.subcommands) {
    const [sub, ...subRest] = rest;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      process.stdout.write(groupHelp(command));
      return sub === undefined ? EXIT_USAGE : 0;
    }
    const chosen = command.subcommands.find((c) => c.spec.name === `${name} ${sub}`);
    if (!chosen) throw new UsageError(`unknown command '${name} ${sub}' (${command.subcommands.map((c) => c.spec.name).join(', ')})`, name);
    command = chosen;
    options = subRest;
  }
  const args = parseCommandArgs(command.spec, options);
  if (args.flag('help')) {
    process.stdout.write(formatHelp(command.spec));
    return 0;
  }
  return command.run(args);
}

function groupHelp(group: Command): string {
  const subs = group.subcommands ?? [];
  const width = Math.max(...subs.map((c) => c.spec.name.length)) + 2;
  return [
    `Usage: yolo-saliency ${group.spec.usage}`,
    '',
    group.spec.summary,
    '',
    'Commands:',
    ...subs.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    ...(group.spec.notes ? [group.spec.notes, ''] : []),
    `Run 'yolo-saliency ${group.spec.name} <command> --help' for a command's options.`,
    '',
  ].join('\n');
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
