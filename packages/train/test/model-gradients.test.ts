// The whole trainable network's parameter gradients: the same on the cpu and wasm backends, and
// equal to central finite differences of the loss (batch norm in training mode included).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseDarknetCfg } from '@yolo-saliency/core/loaders';
import { selectTfjsBackend } from '@yolo-saliency/runtime-tfjs';
import { TrainableDarknet } from '../src/index.js';
import { SMALL_CFG } from './small-cfg.js';

const cfg = parseDarknetCfg(SMALL_CFG, 'small.cfg');
const input = Float32Array.from({ length: 2 * 64 * 64 * 3 }, (_, k) => (Math.sin(k * 0.37) + 1) / 2);

/** A fixed smooth function of both heads. */
function loss(model: TrainableDarknet): tf.Scalar {
  const heads = model.forward(tf.tensor4d(input, [2, 64, 64, 3]), true);
  model.discardRunningStatistics();
  return tf.addN(heads.map((h, i) => tf.sum(tf.mul(h, tf.sin(tf.mul(tf.reshape(tf.range(0, h.size), h.shape), 0.1 + i)))))) as tf.Scalar;
}

function gradients(backend: string): Promise<Float32Array[]> {
  return selectTfjsBackend(backend).then(() => {
    const model = new TrainableDarknet(cfg, 5);
    const variables = model.trainableVariables();
    const { grads, value } = tf.variableGrads(() => loss(model), variables);
    const out = variables.map((v) => grads[v.name].dataSync() as Float32Array);
    tf.dispose([value, grads]);
    model.dispose();
    return out;
  });
}

describe('TrainableDarknet gradients', () => {
  it('agree between the cpu and wasm backends for every parameter', async () => {
    const cpu = await gradients('cpu');
    const wasm = await gradients('wasm');
    cpu.forEach((g, i) => {
      const scale = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const error = g.reduce((m, v, k) => Math.max(m, Math.abs(v - wasm[i][k])), 0);
      expect(error / scale, `variable ${i}`).toBeLessThan(1e-3);
    });
  });

  it('match central finite differences (first conv, a batch norm scale, a head bias)', async () => {
    await selectTfjsBackend('cpu');
    const model = new TrainableDarknet(cfg, 5);
    const variables = model.trainableVariables();
    const { grads, value } = tf.variableGrads(() => loss(model), variables);
    value.dispose();
    // Variable 0: conv_0's filter (upstream of every pool and the upsample); 1: its gamma; last: a head bias.
    for (const v of [0, 1, variables.length - 1]) {
      const variable = variables[v];
      const g = grads[variable.name].dataSync() as Float32Array;
      const at = g.reduce((best, x, k) => (Math.abs(x) > Math.abs(g[best]) ? k : best), 0);
      const base = (variable.dataSync() as Float32Array).slice();
      const shifted = (delta: number) => {
        const values = base.slice();
        values[at] += delta;
        variable.assign(tf.tensor(values, variable.shape));
        return tf.tidy(() => loss(model).dataSync()[0]);
      };
      const eps = 1e-3;
      const fd = (shifted(eps) - shifted(-eps)) / (2 * eps);
      variable.assign(tf.tensor(base, variable.shape));
      expect(Math.abs(fd - g[at]), `variable ${v}: fd ${fd} vs grad ${g[at]}`).toBeLessThan(0.02 * Math.abs(g[at]) + 1e-3);
    }
    tf.dispose(grads);
    model.dispose();
  });
});
