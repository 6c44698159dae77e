/**
 * Keras functional model (config + weights) -> IR graph.
 *
 * The heads are the model's outputs in Keras order. A keras-yolo3 *training* model (extra
 * y_true inputs and a Lambda 'yolo_loss' after the heads) loads as its inference body: the
 * heads are then the layers feeding that output Lambda. Only the layers the heads depend on
 * are converted; a Lambda among them is an error, since its code is not in the file.
 */
import { GraphBuilder } from '../../graph/builder.js';
import type { ActivationKind, ConvNode, Graph, Pads } from '../../graph/types.js';
import { defaultKerasAnchors } from './anchors.js';
import { configValueText, type KerasLayer, type KerasModelSpec } from './config.js';
import { addPads, foldBatchNorm, hwioToOihw, intPair, tfSamePads, ZERO_PADS, zeroPaddingPads } from './layer-math.js';
import type { WeightSource } from './weights.js';

export interface KerasLoadOptions {
  /** Anchors per head in Keras output order ([w, h] in input pixels, already masked). Default: keras-yolo3's. */
  anchors?: Array<Array<[number, number]>>;
  /** Network size [height, width] when the model's input shape is open (None x None). Default 416x416. */
  inputSize?: [number, number];
  /** Class names (default class0, class1, ...). */
  classNames?: string[];
}

export const DEFAULT_KERAS_INPUT_SIZE: [number, number] = [416, 416];

/** What a converted layer produced: a node, or zero padding waiting to be merged into a conv. */
interface Produced {
  node: number;
  channels: number;
  pendingPad?: { pads: Pads; layer: string };
}

const ACTIVATIONS: Record<string, ActivationKind> = { linear: 'linear', relu: 'relu', sigmoid: 'logistic', swish: 'swish', silu: 'swish', mish: 'mish' };

/**
 * Conv2D (with Keras 3's `groups`) or DepthwiseConv2D as an IR conv: Keras kernels are HWIO
 * ([kh, kw, in/groups, out]; depthwise: [kh, kw, in, multiplier], output channel c*m + k), the
 * IR's OIHW with I = in / groups. Returns the node holding the output and its channels.
 */
function convolution(layer: KerasLayer, src: Produced, b: GraphBuilder, weightsOf: WeightSource, at: string): [node: number, channels: number] {
  const c = layer.config;
  const depthwise = layer.className === 'DepthwiseConv2D';
  const kernelSize = intPair(c.kernel_size);
  const strides = intPair(c.strides ?? 1);
  if (!kernelSize || !strides) throw new Error(`${at}: malformed kernel_size or strides`);
  if (strides[0] !== strides[1]) throw new Error(`${at}: unequal strides ${strides.join('x')} are not supported`);
  const dilation = intPair(c.dilation_rate ?? 1);
  if (!dilation || dilation[0] !== 1 || dilation[1] !== 1) throw new Error(`${at}: dilation_rate ${JSON.stringify(c.dilation_rate)} is not supported`);
  const padding = String(c.padding ?? 'valid').toLowerCase();
  if (padding !== 'same' && padding !== 'valid') throw new Error(`${at}: padding '${configValueText(c.padding)}' is not supported`);
  const own = padding === 'same' ? tfSamePads(kernelSize, strides) : ZERO_PADS;
  const pads = src.pendingPad ? addPads(src.pendingPad.pads, own) : own;

  const w = weightsOf(layer);
  const kernel = w.get(depthwise ? 'depthwise_kernel' : 'kernel') ?? w.get('kernel');
  if (!kernel) throw new Error(`${at}: no kernel weights in the file`);
  const [kh, kw, cin, cout] = kernel.shape;
  const groups = depthwise ? src.channels : Number(c.groups ?? 1);
  const multiplier = Number(c.depth_multiplier ?? 1);
  const filters = depthwise ? src.channels * multiplier : Number(c.filters);
  const expected = depthwise ? [kernelSize[0], kernelSize[1], src.channels, multiplier] : [kernelSize[0], kernelSize[1], src.channels / groups, filters];
  if (kernel.shape.length !== 4 || [kh, kw, cin, cout].some((v, i) => v !== expected[i])) {
    throw new Error(`${at}: kernel shape [${kernel.shape.join(', ')}] does not match [${expected.join(', ')}]`);
  }
  const biasArray = w.get('bias');
  if (c.use_bias !== false && (!biasArray || biasArray.data.length !== filters)) throw new Error(`${at}: missing or wrong-sized bias`);
  const bias = c.use_bias !== false && biasArray ? biasArray.data : new Float32Array(filters);
  // A depthwise kernel [kh, kw, C, M] is the HWIO kernel [kh, kw, 1, C*M] of a conv with groups = C.
  const oihw = depthwise ? hwioToOihw({ ...kernel, shape: [kh, kw, 1, cin * cout] }) : hwioToOihw(kernel);
  let node = b.conv(layer.name, src.node, { filters, channels: src.channels, kernel: kernelSize, stride: strides[0], pads, groups, weights: oihw, bias });
  const activation = String(c.activation ?? 'linear');
  if (activation !== 'linear') {
    const kind = ACTIVATIONS[activation];
    if (!kind) throw new Error(`${at}: activation '${configValueText(c.activation)}' is not supported`);
    node = b.activation(`${layer.name}_activation`, node, kind);
  }
  return [node, filters];
}

/** Heads: the model outputs, or for a training model the non-input layers feeding an output Lambda. */
function headLayerNames(spec: KerasModelSpec, byName: Map<string, KerasLayer>): string[] {
  const heads: string[] = [];
  for (const output of spec.outputs) {
    const layer = byName.get(output);
    if (layer?.className === 'Lambda') {
      for (const input of layer.inbound) {
        if (byName.get(input)?.className !== 'InputLayer' && !heads.includes(input)) heads.push(input);
      }
    } else if (!heads.includes(output)) {
      heads.push(output);
    }
  }
  return heads;
}

/** The layers the heads depend on, in an order where every layer follows its inputs (saved order when possible). */
function bodyInOrder(spec: KerasModelSpec, byName: Map<string, KerasLayer>, heads: string[], where: string): KerasLayer[] {
  const needed = new Set<string>();
  const stack = [...heads];
  while (stack.length) {
    const name = stack.pop()!;
    if (needed.has(name)) continue;
    const layer = byName.get(name);
    if (!layer) throw new Error(`${where}: the model config refers to a missing layer '${name}'`);
    needed.add(name);
    stack.push(...layer.inbound);
  }
  const ordered: KerasLayer[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  // Depth-first, with an explicit stack: a file can chain thousands of layers.
  const visit = (root: KerasLayer) => {
    const stack: Array<{ layer: KerasLayer; next: number }> = [];
    const enter = (layer: KerasLayer) => {
      const seen = state.get(layer.name);
      if (seen === 'done') return;
      if (seen === 'visiting') throw new Error(`${where}: the model has a cycle through layer '${layer.name}'`);
      state.set(layer.name, 'visiting');
      stack.push({ layer, next: 0 });
    };
    enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.layer.inbound.length) {
        enter(byName.get(top.layer.inbound[top.next++])!);
      } else {
        stack.pop();
        state.set(top.layer.name, 'done');
        ordered.push(top.layer);
      }
    }
  };
  for (const layer of spec.layers) if (needed.has(layer.name)) visit(layer);
  return ordered;
}

function inputShape(layer: KerasLayer): unknown[] {
  const shape = layer.config.batch_shape ?? layer.config.batch_input_shape;
  return Array.isArray(shape) ? shape : [];
}

/** Build the IR graph. `where` names the file in messages. */
export function buildKerasGraph(spec: KerasModelSpec, weightsOf: WeightSource, where: string, options: KerasLoadOptions = {}): Graph {
  const byName = new Map(spec.layers.map((l) => [l.name, l]));
  const heads = headLayerNames(spec, byName);
  if (heads.length === 0) throw new Error(`${where}: the model has no outputs`);
  const body = bodyInOrder(spec, byName, heads, where);

  const lambda = body.find((l) => l.className === 'Lambda');
  if (lambda) throw new Error(`${where}: layer '${lambda.name}' is a Lambda inside the model body (Lambda code is not stored in the file and cannot be loaded)`);
  const inputs = body.filter((l) => l.className === 'InputLayer');
  if (inputs.length !== 1) {
    throw new Error(`${where}: the detection heads depend on ${inputs.length} input layers (${inputs.map((l) => l.name).join(', ')}); expected exactly one image input`);
  }

  const consumers = new Map<string, string[]>();
  for (const layer of body) for (const input of layer.inbound) consumers.set(input, [...(consumers.get(input) ?? []), layer.name]);

  const shape = inputShape(inputs[0]);
  const inputChannels = typeof shape[3] === 'number' ? shape[3] : 3;
  const fixedSize = typeof shape[1] === 'number' && typeof shape[2] === 'number';
  const inputSize: [number, number] = fixedSize ? [shape[1] as number, shape[2] as number] : (options.inputSize ?? DEFAULT_KERAS_INPUT_SIZE);

  const b = new GraphBuilder(inputChannels, inputs[0].name);
  const produced = new Map<string, Produced>();

  for (const layer of body) {
    const at = `${where}: layer '${layer.name}' (${layer.className})`;
    const c = layer.config;
    const ins = layer.inbound.map((n) => produced.get(n)!);
    const padded = ins.find((p) => p.pendingPad);
    if (padded && layer.className !== 'Conv2D') {
      throw new Error(`${where}: ZeroPadding2D layer '${padded.pendingPad!.layer}' feeds '${layer.name}' (${layer.className}); only padding before a Conv2D is supported`);
    }
    if (c.data_format !== undefined && c.data_format !== 'channels_last') throw new Error(`${at}: data_format '${configValueText(c.data_format)}' is not supported (channels_last only)`);
    const single = (): Produced => {
      if (ins.length !== 1) throw new Error(`${at}: expects one input, got ${ins.length}`);
      return ins[0];
    };
    const set = (node: number, channels: number, pendingPad?: Produced['pendingPad']) => produced.set(layer.name, { node, channels, pendingPad });

    switch (layer.className) {
      case 'InputLayer':
        set(0, inputChannels);
        break;
      case 'ZeroPadding2D': {
        const src = single();
        const pads = zeroPaddingPads(c.padding);
        if (!pads) throw new Error(`${at}: unsupported padding ${JSON.stringify(c.padding)}`);
        const pending = src.pendingPad ? { pads: addPads(src.pendingPad.pads, pads), layer: src.pendingPad.layer } : { pads, layer: layer.name };
        set(src.node, src.channels, pending);
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const src = single();
        set(...convolution(layer, src, b, weightsOf, at));
        break;
      }
      case 'Dropout':
      case 'SpatialDropout2D':
        // The identity at inference.
        set(single().node, single().channels);
        break;
      case 'BatchNormalization': {
        const src = single();
        const conv = b.nodes[src.node];
        const producer = byName.get(layer.inbound[0])!;
        if (conv.kind !== 'conv' || producer.className !== 'Conv2D') {
          throw new Error(`${at}: batch normalization must directly follow a Conv2D to be folded (it follows '${producer.name}', ${producer.className})`);
        }
        if ((consumers.get(producer.name) ?? []).length !== 1) throw new Error(`${at}: conv '${producer.name}' is also used without this batch normalization; cannot fold`);
        const axis = c.axis ?? -1;
        if (axis !== -1 && axis !== 3 && !(Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3))) {
          throw new Error(`${at}: axis ${JSON.stringify(axis)} is not the channel axis`);
        }
        const w = weightsOf(layer);
        const arr = (role: string, required: boolean) => {
          const a = w.get(role)?.data;
          if (required && !a) throw new Error(`${at}: missing '${role}' in the file`);
          if (a && a.length !== src.channels) throw new Error(`${at}: '${role}' has ${a.length} values for ${src.channels} channels`);
          return a;
        };
        const folded = foldBatchNorm(conv.weights, conv.bias, {
          gamma: arr('gamma', c.scale !== false),
          beta: arr('beta', c.center !== false),
          mean: arr('moving_mean', true)!,
          variance: arr('moving_variance', true)!,
          epsilon: typeof c.epsilon === 'number' ? c.epsilon : 1e-3,
        });
        const foldedConv: ConvNode = { ...conv, ...folded };
        b.nodes[src.node] = foldedConv;
        set(src.node, src.channels);
        break;
      }
      case 'LeakyReLU': {
        const src = single();
        // Keras 3 calls the slope negative_slope, Keras 2 alpha; both default to 0.3.
        const alpha = Number(c.negative_slope ?? c.alpha ?? 0.3);
        set(b.activation(layer.name, src.node, 'leaky', alpha), src.channels);
        break;
      }
      case 'ReLU': {
        const src = single();
        if ((c.max_value ?? null) !== null || Number(c.threshold ?? 0) !== 0) throw new Error(`${at}: max_value/threshold are not supported`);
        const slope = Number(c.negative_slope ?? 0);
        set(slope === 0 ? b.activation(layer.name, src.node, 'relu') : b.activation(layer.name, src.node, 'leaky', slope), src.channels);
        break;
      }
      case 'Activation': {
        const src = single();
        const kind = ACTIVATIONS[String(c.activation)];
        if (!kind) throw new Error(`${at}: activation '${configValueText(c.activation)}' is not supported (${Object.keys(ACTIVATIONS).join(', ')})`);
        set(b.activation(layer.name, src.node, kind), src.channels);
        break;
      }
      case 'MaxPooling2D': {
        const src = single();
        const pool = intPair(c.pool_size ?? 2);
        const strides = intPair(c.strides ?? c.pool_size ?? 2);
        if (!pool || !strides || pool[0] !== pool[1] || strides[0] !== strides[1]) {
          throw new Error(`${at}: only square pools with equal strides are supported (pool_size ${JSON.stringify(c.pool_size)}, strides ${JSON.stringify(c.strides)})`);
        }
        const padding = String(c.padding ?? 'valid').toLowerCase();
        if (padding !== 'same' && padding !== 'valid') throw new Error(`${at}: padding '${configValueText(c.padding)}' is not supported`);
        // TF 'same' pooling takes the max over valid pixels only, as the IR's maxpool does.
        const pads = padding === 'same' ? tfSamePads(pool, strides) : ZERO_PADS;
        set(b.maxpool(layer.name, src.node, pool[0], strides[0], pads), src.channels);
        break;
      }
      case 'UpSampling2D': {
        const src = single();
        const size = intPair(c.size ?? 2);
        if (!size || size[0] !== size[1] || size[0] < 1) throw new Error(`${at}: only equal integer factors are supported (size ${JSON.stringify(c.size)})`);
        const interpolation = String(c.interpolation ?? 'nearest');
        if (interpolation !== 'nearest') throw new Error(`${at}: interpolation '${configValueText(c.interpolation)}' is not supported (nearest only)`);
        set(b.upsample(layer.name, src.node, size[0]), src.channels);
        break;
      }
      case 'Concatenate': {
        const axis = c.axis ?? -1;
        if (axis !== -1 && axis !== 3) throw new Error(`${at}: concatenation on axis ${configValueText(axis)} is not supported (channels only)`);
        if (ins.length === 0) throw new Error(`${at}: has no inputs`);
        set(b.concat(layer.name, ins.map((p) => p.node)), ins.reduce((sum, p) => sum + p.channels, 0));
        break;
      }
      case 'Add':
        if (ins.length === 0) throw new Error(`${at}: has no inputs`);
        set(b.addNode(layer.name, ins.map((p) => p.node)), ins[0].channels);
        break;
      case 'Functional':
      case 'Model':
      case 'Sequential':
        throw new Error(`${at}: nested models are not supported (save the inner model on its own and load that)`);
      default:
        throw new Error(`${at}: unsupported layer class '${layer.className}'`);
    }
  }

  const anchors = options.anchors ?? defaultKerasAnchors(heads.length);
  if (!anchors) throw new Error(`${where}: no default anchors for a model with ${heads.length} heads; pass anchors for each head`);
  if (anchors.length !== heads.length) throw new Error(`${where}: ${anchors.length} anchor sets given for ${heads.length} heads`);
  heads.forEach((name, i) => {
    const head = produced.get(name)!;
    if (head.pendingPad) throw new Error(`${where}: output '${name}' is a ZeroPadding2D, not a detection head`);
    const perAnchor = head.channels / anchors[i].length;
    if (!Number.isInteger(perAnchor) || perAnchor < 6) {
      throw new Error(`${where}: output '${name}' has ${head.channels} channels, not ${anchors[i].length} anchors x (5 + classes)`);
    }
    b.yolo(`${name}_yolo`, head.node, anchors[i], perAnchor - 5);
  });
  return b.build({ inputSize, classNames: options.classNames, source: 'keras' });
}
