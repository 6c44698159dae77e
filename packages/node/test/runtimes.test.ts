import { describe, expect, it } from 'vitest';
import { resolveRuntime } from '@yolo-saliency/core';
import { describeRuntimes, runtimeNames, setupRuntimes } from '../src/index.js';

describe('runtime selection', () => {
  it('registers tfjs and reports its backends and what auto picks', async () => {
    await setupRuntimes();
    expect(runtimeNames()).toContain('tfjs');
    const report = await describeRuntimes();
    const tfjs = report.runtimes.find((r) => r.name === 'tfjs');
    expect(tfjs?.available).toBe(true);
    expect(tfjs?.info?.name).toBe('tfjs');
    const backends = new Map(tfjs!.backends.map((b) => [b.name, b]));
    // The pure-JavaScript backend works everywhere; native ones say why they are missing.
    expect(backends.get('cpu')?.available).toBe(true);
    for (const b of tfjs!.backends) if (!b.available) expect(b.reason).toBeTruthy();
    // onnx (priority 20) is ahead of tfjs (10) under auto wherever it loads.
    const onnx = report.runtimes.find((r) => r.name === 'onnx');
    expect(onnx).toBeDefined();
    const expected = onnx!.available ? 'onnx' : 'tfjs';
    expect(report.auto).toMatchObject({ runtime: expected });
    const { info } = await resolveRuntime('auto');
    expect(info.name).toBe(expected);
  });

  it('registers onnx with its device, the addon build and its backends', async () => {
    await setupRuntimes();
    expect(runtimeNames()).toEqual(['auto', 'tfjs', 'onnx']);
    const onnx = (await describeRuntimes()).runtimes.find((r) => r.name === 'onnx')!;
    if (!onnx.available) {
      // Where onnxruntime-node or the addon cannot load, the reason is kept for `doctor`.
      expect(onnx.reason).toMatch(/onnxruntime-node|native addon/);
      return;
    }
    expect(onnx.info).toMatchObject({ name: 'onnx', backend: expect.stringMatching(/^onnxruntime-(cpu|cuda)$/) });
    expect(onnx.info!.notes.join('\n')).toMatch(/native addon \d+\.\d+\.\d+ \(/);
    expect(onnx.backends.map((b) => b.name)).toEqual(['cpu', 'cuda']);
  });
});
