/**
 * Parse a darknet .cfg into typed layers, checking every option the graph depends on.
 * Anything darknet would compute differently from our IR (grouped convs, mish, route
 * groups, weighted shortcuts, ...) is an error that names the file, line and layer.
 */
import type { ActivationKind } from '../../graph/types.js';
import { splitCfgSections, type CfgSection } from './cfg-sections.js';
import type { DarknetCfg, DarknetLayer } from './types.js';

const BLOCK_ALIASES: Record<string, DarknetLayer['type'] | 'net'> = {
  net: 'net',
  network: 'net',
  convolutional: 'convolutional',
  conv: 'convolutional',
  maxpool: 'maxpool',
  max: 'maxpool',
  upsample: 'upsample',
  route: 'route',
  shortcut: 'shortcut',
  yolo: 'yolo',
};

const SUPPORTED_ACTIVATIONS: readonly ActivationKind[] = ['leaky', 'linear', 'logistic', 'relu'];

/** Typed access to one section's options; every error names file, line and layer. */
class SectionReader {
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
    if (!(SUPPORTED_ACTIVATIONS as readonly string[]).includes(name)) {
      this.fail(`activation '${name}' is not supported (supported: ${SUPPORTED_ACTIVATIONS.join(', ')})`, 'activation');
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

function parseLayer(section: CfgSection, type: DarknetLayer['type'], index: number, r: SectionReader): DarknetLayer {
  const base = { index, line: section.line };
  switch (type) {
    case 'convolutional': {
      const size = r.positiveInt('size', 1);
      const stride = r.positiveInt('stride', 1);
      r.requireDefault('groups', 1, 'grouped convolutions');
      r.requireDefault('dilation', 1, 'dilated convolutions');
      r.requireDefault('binary', 0, 'binary weights');
      r.requireDefault('xnor', 0, 'XNOR layers');
      if (r.has('stride_x') || r.has('stride_y')) r.fail(`'stride_x'/'stride_y' are not supported (use 'stride')`);
      const padding = r.int('pad', 0) ? Math.floor(size / 2) : r.int('padding', 0);
      if (padding < 0) r.fail(`'padding=${padding}' must not be negative`, 'padding');
      return {
        ...base,
        type,
        filters: r.positiveInt('filters'),
        size,
        stride,
        padding,
        batchNormalize: r.int('batch_normalize', 0) !== 0,
        activation: r.activation('logistic'),
      };
    }
    case 'maxpool': {
      const stride = r.positiveInt('stride', 1);
      const size = r.positiveInt('size', stride);
      const padding = r.int('padding', size - 1);
      if (padding < 0) r.fail(`'padding=${padding}' must not be negative`, 'padding');
      if (r.has('stride_x') || r.has('stride_y')) r.fail(`'stride_x'/'stride_y' are not supported (use 'stride')`);
      r.requireDefault('maxpool_depth', 0, 'depth-wise max pooling');
      return { ...base, type, size, stride, padding };
    }
    case 'upsample': {
      const stride = r.int('stride', 2);
      if (stride <= 0) r.fail(`'stride=${stride}' is not supported (only positive upsampling factors)`, 'stride');
      r.requireDefault('scale', 1, 'scaled upsampling');
      return { ...base, type, stride };
    }
    case 'route': {
      r.requireDefault('groups', 1, 'grouped routes');
      const layers = r.numberList('layers', true).map((v) => r.layerRef(v, index, 'layers'));
      return { ...base, type, layers };
    }
    case 'shortcut': {
      const from = r.numberList('from', true);
      if (from.length !== 1) r.fail(`'from=${r.str('from')}' must name exactly one layer`, 'from');
      r.requireDefault('alpha', 1, 'weighted shortcuts');
      r.requireDefault('beta', 1, 'weighted shortcuts');
      if (r.has('weights_type') && r.str('weights_type') !== 'none') r.fail(`'weights_type=${r.str('weights_type')}' is not supported`, 'weights_type');
      return { ...base, type, from: r.layerRef(from[0], index, 'from'), activation: r.activation('linear') };
    }
    case 'yolo': {
      const classes = r.positiveInt('classes', 20);
      const values = r.numberList('anchors', false);
      if (values.length % 2 !== 0) r.fail(`'anchors' has an odd number of values (${values.length})`, 'anchors');
      const all: Array<[number, number]> = [];
      for (let k = 0; k < values.length; k += 2) all.push([values[k], values[k + 1]]);
      const num = r.positiveInt('num', all.length);
      if (num !== all.length) r.fail(`'num=${num}' but 'anchors' lists ${all.length} anchors`, 'num');
      const mask = r.has('mask') ? r.numberList('mask', true) : all.map((_, k) => k);
      for (const m of mask) {
        if (m < 0 || m >= all.length) r.fail(`'mask' index ${m} is outside the ${all.length} anchors`, 'mask');
      }
      return { ...base, type, anchors: mask.map((m) => all[m]), classes, scaleXY: r.float('scale_x_y', 1) };
    }
  }
}

/** Parse darknet .cfg text. `fileName` only labels error messages. */
export function parseDarknetCfg(text: string, fileName = 'model.cfg'): DarknetCfg {
  const sections = splitCfgSections(text, fileName);
  const first = sections[0];
  if (!first || BLOCK_ALIASES[first.type] !== 'net') {
    throw new Error(`${fileName}:${first?.line ?? 1}: the first block must be [net], got ${first ? `[${first.type}]` : 'an empty file'}`);
  }
  const net = new SectionReader(first, fileName, '[net]');
  const layers: DarknetLayer[] = [];
  for (const section of sections.slice(1)) {
    const index = layers.length;
    const type = BLOCK_ALIASES[section.type];
    if (!type) {
      throw new Error(`${fileName}:${section.line}: unknown block [${section.type}] (layer ${index}); supported: [convolutional], [maxpool], [upsample], [route], [shortcut], [yolo]`);
    }
    if (type === 'net') throw new Error(`${fileName}:${section.line}: a second [${section.type}] block (layer ${index})`);
    layers.push(parseLayer(section, type, index, new SectionReader(section, fileName, `[${section.type}] layer ${index}`)));
  }
  if (layers.length === 0) throw new Error(`${fileName}: no layers after [net]`);
  return {
    fileName,
    width: net.positiveInt('width'),
    height: net.positiveInt('height'),
    channels: net.positiveInt('channels', 3),
    layers,
  };
}
