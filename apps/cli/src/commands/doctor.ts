import { describeRuntimes } from '@yolo-saliency/node';
import type { Command } from '../command.js';
import { describeMachine } from '../machine.js';

export const doctorCommand: Command = {
  spec: {
    name: 'doctor',
    summary: 'Show the runtimes, backends and devices this machine has, and what --runtime auto picks',
    usage: 'doctor [--json]',
    options: { json: { type: 'boolean', description: 'print one JSON object' } },
  },
  async run(args) {
    const machine = describeMachine();
    const report = await describeRuntimes();
    if (args.flag('json')) {
      process.stdout.write(JSON.stringify({ machine, ...report }) + '\n');
      return 0;
    }
    const lines = [
      `node ${machine.node} on ${machine.platform}`,
      `cpu: ${machine.cpu.model} x${machine.cpu.cores}, ${machine.memoryGb} GB memory`,
      `gpu: ${machine.gpus.length ? machine.gpus.join('; ') : `none (${machine.gpuNote})`}`,
      '',
      'runtimes:',
    ];
    for (const runtime of report.runtimes) {
      if (runtime.available && runtime.info) {
        const threads = runtime.info.threads ? `, ${runtime.info.threads} thread(s)` : '';
        lines.push(`  ${runtime.name}: available (default backend ${runtime.info.backend} on ${runtime.info.device}${threads})`);
      } else {
        lines.push(`  ${runtime.name}: unavailable: ${runtime.reason}`);
      }
      const width = Math.max(0, ...runtime.backends.map((b) => b.name.length)) + 2;
      for (const backend of runtime.backends) {
        lines.push(`    ${backend.name.padEnd(width)}${backend.available ? 'available' : `unavailable: ${backend.reason}`}`);
      }
      for (const note of runtime.info?.notes ?? []) lines.push(`    note: ${note}`);
    }
    lines.push('');
    lines.push(
      'error' in report.auto
        ? `auto: nothing usable: ${report.auto.error}`
        : `auto picks: ${report.auto.runtime} (${report.auto.backend} on ${report.auto.device})`,
    );
    process.stdout.write(lines.join('\n') + '\n');
    return 'error' in report.auto ? 1 : 0;
  },
};
