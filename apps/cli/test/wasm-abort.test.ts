/**
 * Issue 9 (hostile input), the pieces the end-to-end tests cannot reach directly: a WebAssembly
 * abort that gets past the memory estimate becomes one line naming the model (and emscripten's
 * own "Aborted()" print is dropped); the CLI's list of onnx backends matches runtime-onnx's;
 * --max-memory sizes.
 */
import { readFileSync } from 'node:fs';
import type { LoadedModel } from '@yolo-saliency/core';
import { describe, expect, it } from 'vitest';
import { isFatal } from '../src/each-image.js';
import { guardWasm, silenceEmscriptenAborts } from '../src/model-run.js';
import { RUNTIME_BACKENDS } from '../src/runtime-choice.js';
import { parseSize } from '../src/memory-budget.js';
import { ROOT } from './run-cli.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY, columns: 100, text: '', write: (s: string) => ((stream.text += s), true) };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe('wasm aborts', () => {
  const broken = (calls: { dispose: number }): LoadedModel =>
    ({
      graph: {} as LoadedModel['graph'],
      inputSize: [128, 128],
      info: { name: 'tfjs', backend: 'wasm', device: 'wasm', notes: [] },
      forward: async () => {
        throw new WebAssembly.RuntimeError('memory access out of bounds');
      },
      backward: async () => {
        throw new Error('Aborted(). Build with -sASSERTIONS for more info.');
      },
      visualBackProp: async () => {
        throw new Error('an ordinary error');
      },
      dispose: () => {
        calls.dispose++;
        throw new WebAssembly.RuntimeError('memory access out of bounds');
      },
    }) as LoadedModel;

  it('become one fatal error naming the model file; later calls and dispose do not add another', async () => {
    const calls = { dispose: 0 };
    const model = guardWasm(broken(calls), '/models/up.cfg');
    const error = (await model.forward({ dims: [1, 128, 128, 3], data: new Float32Array(128 * 128 * 3) }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      '/models/up.cfg: the tfjs wasm backend aborted while running this model (memory access out of bounds); it most likely ran out of its 4.0 GiB heap: lower --input-size or --batch, or use --backend cpu or --runtime onnx',
    );
    expect(isFatal(error)).toBe(true);
    // The module is broken: the next call fails with the same error, and dispose is skipped.
    await expect(model.visualBackProp({} as never)).rejects.toBe(error);
    await model.dispose();
    expect(calls.dispose).toBe(0);
  });

  it('name the model for an emscripten abort too, and let other errors through', async () => {
    const model = guardWasm(broken({ dispose: 0 }), 'm.onnx');
    await expect(model.backward({} as never, [], { rule: 'plain' })).rejects.toThrow(/^m\.onnx: the tfjs wasm backend aborted while running this model \(Aborted\(\)\); /);
    const other = guardWasm(broken({ dispose: 0 }), 'm.onnx');
    await expect(other.visualBackProp({} as never)).rejects.toThrow(/^an ordinary error$/);
  });

  it("drop emscripten's own Aborted() line on stderr, and nothing else", () => {
    const stream = fakeStream(false);
    silenceEmscriptenAborts(stream);
    silenceEmscriptenAborts(stream); // once per stream
    stream.write('Aborted()\n');
    stream.write('error: something else\n');
    expect(stream.text).toBe('error: something else\n');
  });
});

describe('option values', () => {
  it("lists onnx's backends as runtime-onnx does", () => {
    // The CLI does not depend on runtime-onnx (an optional runtime), so its list is read from the source.
    const source = readFileSync(`${ROOT}packages/runtime-onnx/src/runtime.ts`, 'utf8');
    const listed = /export const ONNX_BACKENDS = \[([^\]]*)\]/.exec(source)?.[1];
    expect(listed?.split(',').map((s) => s.trim().replace(/'/g, ''))).toEqual([...RUNTIME_BACKENDS.onnx]);
  });

  it('reads memory sizes in binary units', () => {
    expect(parseSize('4G')).toBe(4 * 2 ** 30);
    expect(parseSize('512m')).toBe(512 * 2 ** 20);
    expect(parseSize('1.5GiB')).toBe(1.5 * 2 ** 30);
    expect(parseSize('2048')).toBe(2048);
    expect(parseSize('lots')).toBeUndefined();
    expect(parseSize('-1G')).toBeUndefined();
  });
});
