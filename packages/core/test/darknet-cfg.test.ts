import { describe, expect, it } from 'vitest';
import { loadDarknet, parseDarknetCfg, parseNames } from '../src/loaders/darknet/index.js';

const NET = '[net]\nwidth=64\nheight=64\nchannels=3\n';

describe('parseDarknetCfg', () => {
  it('reads options around comments and whitespace, darknet defaults included', () => {
    const cfg = parseDarknetCfg(
      [
        '# a comment line',
        '[net]',
        '; another comment',
        'width = 96',
        '  height=64  ',
        'channels=3',
        '',
        '[convolutional]',
        'batch_normalize=1',
        'filters = 16   # trailing comment',
        'size=3',
        'stride=2',
        'pad=1',
        'activation=leaky',
        '',
        '[convolutional]',
        'filters=8',
        'size=3',
        'padding=0',
        '',
        '[maxpool]',
        'size=2',
        'stride=2',
        '',
        '[upsample]',
        '',
        '[route]',
        'layers=-1, 0',
        '',
        '[shortcut]',
        'from=-2',
        'activation=linear',
      ].join('\n'),
      'a.cfg',
    );
    expect([cfg.width, cfg.height, cfg.channels]).toEqual([96, 64, 3]);
    expect(cfg.layers.map((l) => l.type)).toEqual(['convolutional', 'convolutional', 'maxpool', 'upsample', 'route', 'shortcut']);
    expect(cfg.layers[0]).toMatchObject({ index: 0, line: 8, filters: 16, size: 3, stride: 2, padding: 1, batchNormalize: true, activation: 'leaky' });
    // No pad=1: explicit padding; no activation: darknet's default is logistic.
    expect(cfg.layers[1]).toMatchObject({ padding: 0, batchNormalize: false, activation: 'logistic', stride: 1 });
    expect(cfg.layers[2]).toMatchObject({ size: 2, stride: 2, padding: 1 });
    expect(cfg.layers[3]).toMatchObject({ stride: 2 });
    expect(cfg.layers[4]).toMatchObject({ layers: [3, 0] });
    expect(cfg.layers[5]).toMatchObject({ from: 3, activation: 'linear' });
  });

  it('pad=1 means size/2 on every side (0 for a 1x1 conv)', () => {
    const cfg = parseDarknetCfg(`${NET}[convolutional]\nfilters=4\nsize=1\npad=1\n[convolutional]\nfilters=4\nsize=5\npad=1\npadding=7\n`, 'p.cfg');
    expect(cfg.layers.map((l) => (l.type === 'convolutional' ? l.padding : -1))).toEqual([0, 2]);
  });

  it('reads yolo masks, anchors, classes and scale_x_y, and route absolute indices', () => {
    const cfg = parseDarknetCfg(
      `${NET}[convolutional]\nfilters=21\nsize=1\nactivation=linear\n[yolo]\nmask = 1,2\nanchors = 10,14,  23,27,  37,58.5\nclasses=2\nnum=3\nscale_x_y = 1.05\n[route]\nlayers = 0\n`,
      'y.cfg',
    );
    expect(cfg.layers[1]).toMatchObject({ type: 'yolo', anchors: [[23, 27], [37, 58.5]], classes: 2, scaleXY: 1.05 });
    expect(cfg.layers[2]).toMatchObject({ type: 'route', layers: [0] });
  });

  it('rejects an unknown block naming it, its line and the file', () => {
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters=4\n\n[foo]\nx=1\n`, 'models/odd.cfg')).toThrow(
      /^models\/odd\.cfg:8: unknown block \[foo\] \(layer 1\)/,
    );
  });

  it('rejects unsupported activations naming the layer and line', () => {
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters=4\nsize=3\nactivation=hard_mish\n`, 'm.cfg')).toThrow(
      /^m\.cfg:8: \[convolutional\] layer 0: activation 'hard_mish' is not supported \(supported: leaky, relu, logistic, linear, mish, swish\)/,
    );
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters=4\n[shortcut]\nfrom=-1\nactivation=elu\n`, 'm.cfg')).toThrow(/m\.cfg:9: \[shortcut\] layer 1: activation 'elu'/);
  });

  it('rejects options the IR cannot represent, and groups that do not divide the channels', () => {
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters=4\ndilation=2\n`, 'g.cfg')).toThrow(/g\.cfg:7: \[convolutional\] layer 0: 'dilation=2' is not supported/);
    expect(() => loadDarknet({ cfg: `${NET}[convolutional]\nfilters=4\ngroups=2\n`, cfgName: 'g.cfg' })).toThrow(/g\.cfg:5: \[convolutional\] layer 0: groups=2 must divide its 3 input channels and 4 filters/);
    expect(() => loadDarknet({ cfg: `${NET}[convolutional]\nfilters=3\n[route]\nlayers=-1\ngroups=2\n`, cfgName: 'g.cfg' })).toThrow(/g\.cfg:7: \[route\] layer 1: groups=2 does not divide the 3 channels of layer 0/);
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters=4\n[route]\nlayers=-1\ngroups=2\ngroup_id=2\n`, 'g.cfg')).toThrow(/g\.cfg:10: \[route\] layer 1: 'group_id=2' must be in 0\.\.1 for groups=2/);
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters=4\n[upsample]\nstride=-2\n`, 'u.cfg')).toThrow(/\[upsample\] layer 1: 'stride=-2'/);
  });

  it('rejects bad references and malformed lines', () => {
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters=4\n[route]\nlayers=3\n`, 'r.cfg')).toThrow(/r\.cfg:8: \[route\] layer 1: 'layers' refers to layer 3/);
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters=4\n[shortcut]\nfrom=-5\n`, 'r.cfg')).toThrow(/'from' refers to layer -5 \(absolute -4\)/);
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters=four\n`, 'n.cfg')).toThrow(/n\.cfg:6: .*'filters=four' is not an integer/);
    expect(() => parseDarknetCfg(`${NET}[convolutional]\nfilters\n`, 'n.cfg')).toThrow(/n\.cfg:6: expected 'key=value'/);
    expect(() => parseDarknetCfg(`[convolutional]\nfilters=4\n`, 'n.cfg')).toThrow(/n\.cfg:1: the first block must be \[net\]/);
    expect(() => parseDarknetCfg(`${NET}[yolo]\nmask=0,3\nanchors=1,2,3,4\nclasses=1\n`, 'n.cfg')).toThrow(/'mask' index 3 is outside the 2 anchors/);
  });

  it('parseNames reads one class per line, ignoring blank lines and CRLF', () => {
    expect(parseNames('person\r\nbicycle\n\n  traffic light \n')).toEqual(['person', 'bicycle', 'traffic light']);
  });
});
