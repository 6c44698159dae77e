/** Typed access to one cfg section's options; every error names the file, line and layer. */
import { ACTIVATION_KINDS } from '../../graph/activation-functions.js';
import type { ActivationKind } from '../../graph/types.js';
import type { CfgSection } from './cfg-sections.js';

/** Typed access to one section's options; every error names file, line and layer. */
export class SectionReader {
  constructor(
    private readonly section: CfgSection,
    private readonly fileName: string,
    private readonly label: string,
  ) {}

  fail(message: string, key?: string): never {
    const line = (key && this.section.options.get(key)?.line) || this.section.line;
    throw new Error(`${this.fileName}:${line}: ${this.label}: ${message}`);
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
    const text = this.str(key);
    if (!/^[+-]?\d+$/.test(text)) this.fail(`'${key}=${text}' is not an integer`, key);
    return Number(text);
  }

  positiveInt(key: string, fallback?: number): number {
    const value = this.int(key, fallback);
    if (value <= 0) this.fail(`'${key}=${value}' must be positive`, key);
    return value;
  }

  float(key: string, fallback?: number): number {
    if (!this.has(key)) return fallback ?? this.fail(`missing '${key}='`);
    const value = Number(this.str(key));
    if (this.str(key) === '' || !Number.isFinite(value)) this.fail(`'${key}=${this.str(key)}' is not a number`, key);
    return value;
  }

  numberList(key: string, integer: boolean): number[] {
    const text = this.str(key);
    const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const values = items.map(Number);
    if (items.length === 0 || values.some((v) => !Number.isFinite(v) || (integer && !Number.isInteger(v)))) {
      this.fail(`'${key}=${text}' is not a list of ${integer ? 'integers' : 'numbers'}`, key);
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

