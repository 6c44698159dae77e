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
    expect(report.auto).toMatchObject({ runtime: 'tfjs', backend: tfjs!.info!.backend });
    const { info } = await resolveRuntime('auto');
    expect(info.name).toBe('tfjs');
  });
});
