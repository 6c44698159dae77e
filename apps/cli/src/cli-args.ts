/**
 * Argument parsing on node:util parseArgs (strict: unknown options are usage errors), with
 * typed accessors that validate numbers and choices and a generated --help per command.
 */
import { parseArgs } from 'node:util';
import { printable } from '@yolo-saliency/core';
import { quoted, UsageError } from './cli-errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in help, e.g. 'N' or 'DIR'. */
  value?: string;
  description: string;
  /** May be given more than once (values are collected). */
  multiple?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Extra help text after the options. */
  notes?: string;
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
}

/** Options every command has. */
const COMMON: Record<string, OptionSpec> = {
  help: { type: 'boolean', description: 'show this help' },
  verbose: { type: 'boolean', description: 'print stack traces on errors' },
};

export class ParsedArgs {
  constructor(
    private readonly command: string,
    readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>,
    readonly positionals: string[],
  ) {}

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    if (Array.isArray(v)) return v[v.length - 1] as string;
    return typeof v === 'string' ? v : undefined;
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw new UsageError(`--${name} is required`, this.command);
    return v;
  }

  /** A number within [min, max]; `integer` refuses fractions. */
  number(name: string, o: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const n = Number(text);
    const kind = o.integer ? 'an integer' : 'a number';
    if (text.trim() === '' || !Number.isFinite(n) || (o.integer && !Number.isInteger(n))) {
      throw new UsageError(`--${name} must be ${kind}, got ${quoted(text)}`, this.command);
    }
    if (o.min !== undefined && n < o.min) throw new UsageError(`--${name} must be at least ${o.min}, got ${printable(text)}`, this.command);
    if (o.max !== undefined && n > o.max) throw new UsageError(`--${name} must be at most ${o.max}, got ${printable(text)}`, this.command);
    return n;
  }

  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!choices.includes(text as T)) {
      throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${quoted(text)}`, this.command);
    }
    return text as T;
  }

  /** A comma-separated list (repeated options are joined too). */
  list(name: string): string[] | undefined {
    const v = this.values[name];
    if (v === undefined) return undefined;
    const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(','));
    const items = parts.map((s) => s.trim()).filter((s) => s.length > 0);
    if (items.length === 0) throw new UsageError(`--${name} needs at least one value`, this.command);
    return items;
  }
}

export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const all = { ...spec.options, ...COMMON };
  const options = Object.fromEntries(
    Object.entries(all).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false }]),
  );
  const valued = new Set(Object.entries(all).filter(([, o]) => o.type === 'string').map(([name]) => name));
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeValues(argv, valued), options, strict: true, allowPositionals: spec.positionals ?? false });
    return new ParsedArgs(spec.name, values as ParsedArgs['values'], positionals);
  } catch (error) {
    throw new UsageError(describeParseError(error), spec.name);
  }
}

/** A negative number, as a value: `-5`, `-0.5`, `-.5`, `-1e3`, `-Infinity`. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

/**
 * parseArgs reads the `-5` of `--steps -5` as an option and refuses the pair; write such a
 * value as `--steps=-5` so the option's own check says what is wrong with it ("must be at
 * least 1, got -5").
 */
function joinNegativeValues(argv: readonly string[], valued: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (token.startsWith('--') && valued.has(token.slice(2)) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${token}=${next}`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

/** parseArgs messages are long and mention internals; keep the part a user needs. */
function describeParseError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /'([^']+)'/.exec(text)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${quoted(option)}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && option) return `unexpected argument ${quoted(option)}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([\w-]+)/.exec(text)?.[1];
    if (name && /argument missing/.test(text)) return `--${name} needs a value`;
    if (name && /ambiguous/.test(text)) return `--${name} needs a value (write a value that starts with '-' as --${name}=-...)`;
    if (name) return `--${name} does not take a value`;
  }
  return text.split('\n')[0];
}

export function formatHelp(spec: CommandSpec): string {
  const all = { ...spec.options, ...COMMON };
  const rows = Object.entries(all).map(([name, o]) => [`--${name}${o.value ? ` ${o.value}` : ''}`, o.description]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const lines = [
    `Usage: yolo-saliency ${spec.usage}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
  ];
  if (spec.notes) lines.push('', spec.notes.trimEnd());
  return lines.join('\n') + '\n';
}
