/** [shortcut]: the previous layer plus one earlier layer, then an activation (usually linear). */
import { activationMoments } from '../moments.js';
import type { DarknetShortcutLayer } from '../types.js';
import type { DarknetSection } from './section.js';

export const shortcutSection: DarknetSection<DarknetShortcutLayer> = {
  names: ['shortcut'],
  parse(r, base) {
    const from = r.numberList('from', true);
    if (from.length !== 1) r.fail(`'from=${r.str('from')}' must name exactly one layer`, 'from');
    r.requireDefault('alpha', 1, 'weighted shortcuts');
    r.requireDefault('beta', 1, 'weighted shortcuts');
    if (r.has('weights_type') && r.str('weights_type') !== 'none') r.fail(`'weights_type=${r.str('weights_type')}' is not supported`, 'weights_type');
    return { ...base, type: 'shortcut', from: r.layerRef(from[0], base.index, 'from'), activation: r.activation('linear') };
  },
  channels(layer, channels, cfg) {
    const [a, b] = [channels.previous(), channels.of(layer.from)];
    if (a !== b) {
      throw new Error(`${cfg.fileName}:${layer.line}: [shortcut] layer ${layer.index}: adds layer ${layer.from} (${b} channels) to layer ${layer.index - 1} (${a} channels)`);
    }
    return a;
  },
  /**
   * The means matter here: both the skip and the branch come out of leaky units with positive
   * means, so their sum's second moment has a 2*E[a]*E[b] term; ignoring it lets yolov3's trunk
   * outgrow its estimate by an order of magnitude.
   */
  moments(layer, moments) {
    const [a, b] = [moments.previous(), moments.of(layer.from)];
    const sum = { mean: a.mean + b.mean, square: a.square + b.square + 2 * a.mean * b.mean };
    // Rough for a non-linear shortcut (its input is not zero-mean), exact for darknet's usual linear one.
    const act = activationMoments(layer.activation);
    return layer.activation === 'linear' ? sum : { mean: sum.mean, square: sum.square * act.square };
  },
  build(layer, ctx) {
    const sum = ctx.builder.addNode(`shortcut_${layer.index}`, [ctx.previous(), ctx.output(layer.from)]);
    return ctx.activate(sum, layer.activation, layer.index);
  },
  describe: (layer) => `shortcut ${layer.from}${layer.activation !== 'linear' ? ` ${layer.activation}` : ''}`,
};
