import type { CommandSpec, ParsedArgs } from './cli-args.js';

/** A CLI command: its options (for parsing and --help) and what it does; returns the exit code. */
export interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs): Promise<number>;
  /** A command of commands (`queue submit`, `queue status`): each has its own spec, named 'queue submit'. */
  subcommands?: Command[];
}
