/** [convolutional]: a conv (batch norm folded at load) and its activation. */
import { BIAS_LIMIT, activationMoments } from '../moments.js';
import type { DarknetConvLayer } from '../types.js';
import type { DarknetSection } from './section.js';

export const convolutionalSection: DarknetSection<DarknetConvLayer> = {
  names: ['convolutional', 'conv'],
  parse(r, base) {
    const size = r.positiveInt('size', 1);
    const stride = r.positiveInt('stride', 1);
    r.requireDefault('dilation', 1, 'dilated convolutions');
    r.requireDefault('binary', 0, 'binary weights');
    r.requireDefault('xnor', 0, 'XNOR layers');
    if (r.has('stride_x') || r.has('stride_y')) r.fail(`'stride_x'/'stride_y' are not supported (use 'stride')`);
    const padding = r.int('pad', 0) ? Math.floor(size / 2) : r.int('padding', 0);
    if (padding < 0) r.fail(`'padding=${padding}' must not be negative`, 'padding');
    return {
      ...base,
      type: 'convolutional',
      filters: r.positiveInt('filters'),
      size,
      stride,
      padding,
      groups: r.positiveInt('groups', 1),
      batchNormalize: r.int('batch_normalize', 0) !== 0,
      activation: r.activation('logistic'),
    };
  },
  channels(layer, channels, cfg) {
    const input = channels.previous();
    if (input % layer.groups !== 0 || layer.filters % layer.groups !== 0) {
      throw new Error(`${cfg.fileName}:${layer.line}: [convolutional] layer ${layer.index}: groups=${layer.groups} must divide its ${input} input channels and ${layer.filters} filters`);
    }
    return layer.filters;
  },
  moments(layer) {
    // Seeded convs produce zero-mean, unit pre-activations plus a small uniform bias.
    const act = activationMoments(layer.activation);
    return { mean: act.mean, square: act.square + (BIAS_LIMIT * BIAS_LIMIT) / 3 };
  },
  build(layer, ctx) {
    const { channels, weights, bias } = ctx.nextConv();
    const conv = ctx.builder.conv(`conv_${layer.index}`, ctx.previous(), {
      filters: layer.filters,
      channels,
      kernel: layer.size,
      stride: layer.stride,
      pads: layer.padding,
      groups: layer.groups,
      weights,
      bias,
    });
    return ctx.activate(conv, layer.activation, layer.index);
  },
  describe: (layer) => `conv ${layer.filters}${layer.groups > 1 ? `/${layer.groups}` : ''} ${layer.size}x${layer.size}/${layer.stride} ${layer.activation}`,
};
