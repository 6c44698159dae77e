/** Typed access to one cfg section's options; every error names the file, line and layer. */
import { ACTIVATION_KINDS } from '../../graph/activation-functions.js';
import { GRAPH_LIMITS as L } from '../../graph/limits.js';
import type { ActivationKind } from '../../graph/types.js';
import { printable } from '../../util/printable.js';
import type { CfgSection } from './cfg-sections.js';

/**
 * The range of every numeric option a block type reads, by `block.key` or by `key` for every
 * block, checked as the option is read (before anything is allocated from it), so that a
 * corrupt or hostile cfg is refused with its line: `width=100000`, `filters=1000000000`,
 * `stride=0`, `anchors=-10,14`. Integer options not listed are bounded to 32-bit integers.
 */
export const CFG_OPTION_RANGES: Readonly<Record<string, readonly [min: number, max: number]>> = Object.freeze({
  width: [1, L.inputSize],
  height: [1, L.inputSize],
  channels: [1, L.inputChannels],
  size: [1, L.window],
  stride: [1, L.stride],
  'upsample.stride': [1, L.upsample],
  'convolutional.padding': [0, L.pad],
  // Darknet's maxpool padding is the total of both sides.
  'maxpool.padding': [0, 2 * L.pad],
  filters: [1, L.channels],
  groups: [1, L.channels],
  group_id: [0, L.channels - 1],
  classes: [1, L.classes],
  num: [1, 16 * L.anchorsPerHead],
  mask: [0, 16 * L.anchorsPerHead - 1],
  anchors: [Number.MIN_VALUE, L.anchorSize],
  scale_x_y: [Number.MIN_VALUE, L.scaleXY],
  beta_nms: [0, L.nmsBeta],
  batch_normalize: [0, 1],
  new_coords: [0, 1],
});

/** At most this many values in one comma-separated option (anchors of 1024 anchors, a route of 1024 layers). */
const MAX_LIST_LENGTH = 2048;
const INT32: readonly [number, number] = [-(2 ** 31), 2 ** 31 - 1];

/** Typed access to one section's options; every error names file, line and layer. */
export class SectionReader {
  /** `blockType` is the block's canonical type ('convolutional' for [conv] too), for CFG_OPTION_RANGES. */
  constructor(
    private readonly section: CfgSection,
    private readonly fileName: string,
    private readonly label: string,
    private readonly blockType = section.type,
  ) {}

  fail(message: string, key?: string): never {
    const line = (key && this.section.options.get(key)?.line) || this.section.line;
    throw new Error(`${this.fileName}:${line}: ${this.label}: ${printable(message, 300)}`);
  }

  /** The range CFG_OPTION_RANGES gives this block's `key`, if any. */
  private range(key: string): readonly [number, number] | undefined {
    return CFG_OPTION_RANGES[`${this.blockType}.${key}`] ?? CFG_OPTION_RANGES[key];
  }

  /** Refuse a value outside the option's range, naming the key, the value and the line. */
  private checkRange(key: string, value: number, fallbackRange?: readonly [number, number]): void {
    const range = this.range(key) ?? fallbackRange;
    if (!range) return;
    const [min, max] = range;
    if (value >= min && value <= max) return;
    const allowed = min === Number.MIN_VALUE ? `must be positive and at most ${max}` : `must be in ${min}..${max}`;
    this.fail(`'${key}=${this.str(key)}' ${allowed}`, key);
  }

  has(key: string): boolean {
    return this.section.options.has(key);
  }

  str(key: string, fallback?: string): string {
    const option = this.section.options.get(key);
    if (option) return option.value;
    if (fallback === undefined) this.fail(`missing '${key}='`);
    return fallback;
  }

  int(key: string, fallback?: number): number {
    if (!this.has(key)) return fallback ?? this.fail(`missing '${key}='`);
    const value = this.integer(key);
    this.checkRange(key, value, INT32);
    return value;
  }

  positiveInt(key: string, fallback?: number): number {
    if (!this.has(key)) return fallback ?? this.fail(`missing '${key}='`);
    const value = this.integer(key);
    if (value <= 0) this.fail(`'${key}=${value}' must be positive`, key);
    this.checkRange(key, value, INT32);
    return value;
  }

  private integer(key: string): number {
    const text = this.str(key);
    if (!/^[+-]?\d+$/.test(text)) this.fail(`'${key}=${text}' is not an integer`, key);
    return Number(text);
  }

  float(key: string, fallback?: number): number {
    if (!this.has(key)) return fallback ?? this.fail(`missing '${key}='`);
    const value = Number(this.str(key));
    if (this.str(key) === '' || !Number.isFinite(value)) this.fail(`'${key}=${this.str(key)}' is not a number`, key);
    this.checkRange(key, value);
    return value;
  }

  numberList(key: string, integer: boolean): number[] {
    const text = this.str(key);
    const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const values = items.map(Number);
    if (items.length > MAX_LIST_LENGTH) this.fail(`'${key}' lists ${items.length} values; at most ${MAX_LIST_LENGTH} are read`, key);
    if (items.length === 0 || values.some((v) => !Number.isFinite(v) || (integer && !Number.isInteger(v)))) {
      this.fail(`'${key}=${text}' is not a list of ${integer ? 'integers' : 'numbers'}`, key);
    }
    const range = this.range(key) ?? (integer ? INT32 : undefined);
    const outside = range ? values.findIndex((v) => v < range[0] || v > range[1]) : -1;
    if (range && outside >= 0) {
      const allowed = range[0] === Number.MIN_VALUE ? `must be positive and at most ${range[1]}` : `must be in ${range[0]}..${range[1]}`;
      this.fail(`'${key}': value ${outside + 1} (${values[outside]}) ${allowed}`, key);
    }
    return values;
  }

  /** Reject options whose non-default values our IR cannot represent. */
  requireDefault(key: string, fallback: number, why: string): void {
    if (this.has(key) && this.float(key) !== fallback) this.fail(`'${key}=${this.str(key)}' is not supported (${why})`, key);
  }

  activation(fallback: ActivationKind): ActivationKind {
    const name = this.str('activation', fallback).toLowerCase();
    if (!(ACTIVATION_KINDS as readonly string[]).includes(name)) {
      this.fail(`activation '${name}' is not supported (supported: ${ACTIVATION_KINDS.join(', ')})`, 'activation');
    }
    return name as ActivationKind;
  }

  /** A layer reference: negative values count back from `index`, as darknet does. */
  layerRef(value: number, index: number, key: string): number {
    const absolute = value < 0 ? index + value : value;
    if (absolute < 0 || absolute >= index) {
      this.fail(`'${key}' refers to layer ${value} (absolute ${absolute}), which is not an earlier layer`, key);
    }
    return absolute;
  }
}

