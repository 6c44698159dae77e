/**
 * Corrupt and hostile Keras files (issue 9): truncations and byte flips of the fixtures end
 * in one line naming the file and the real problem, with nothing of HDF5's own error stack
 * (`HDF5-DIAG ...`, 20-60 lines) on stderr; NaN weights are refused; a .keras entry that
 * would unpack to far more than its archive is refused before it is unpacked. The tests that
 * read good files run first: after a corrupt one, the process reads no more HDF5 files.
 */
import { readFileSync } from 'node:fs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { forgetHdf5DamageForTests } from '../src/loaders/keras/hdf5-file.js';
import { hdf5ReaderDamagedBy, loadKeras } from '../src/loaders/keras/index.js';
import { fixtureConfigAndWeights, kerasFixture, toKeras2Config, writeKeras2H5 } from './helpers/keras-files.js';

const bytesOf = (name: string) => new Uint8Array(readFileSync(kerasFixture(name)));

/** Run `load` with stderr and the console captured; returns what it printed and its outcome. */
async function captured<T>(load: () => Promise<T>): Promise<{ printed: string; error?: Error; value?: T }> {
  let printed = '';
  const write = process.stderr.write.bind(process.stderr);
  const methods = ['error', 'warn', 'log'] as const;
  const saved = methods.map((m) => console[m]);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    printed += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    return true;
  }) as typeof process.stderr.write;
  methods.forEach((m) => (console[m] = (...args: unknown[]) => void (printed += `${args.join(' ')}\n`)));
  try {
    return { printed, value: await load() };
  } catch (error) {
    return { printed, error: error as Error };
  } finally {
    process.stderr.write = write;
    methods.forEach((m, i) => (console[m] = saved[i]));
  }
}

/** Seeded byte flips within the first `region` bytes (where HDF5 keeps its metadata). */
function flipped(bytes: Uint8Array, seed: number, region = 8192): Uint8Array {
  let state = seed >>> 0;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const copy = Uint8Array.from(bytes);
  for (let j = 0; j < 4; j++) copy[Math.floor(next() * Math.min(region, bytes.length))] ^= 0xff;
  return copy;
}

// Files Keras wrote, edited: read before any corrupt file (see the last test).
describe('Keras configs with absurd numbers', () => {
  it('are refused with the file and the layer before any shape is computed from them', async () => {
    const { config, weights } = await fixtureConfigAndWeights('keras-tiny-yolo3-w2-c2');
    const base = toKeras2Config(config);
    const cases: Array<[string, (c: Record<string, unknown>) => void, RegExp]> = [
      ['MaxPooling2D', (c) => (c.strides = [0, 0]), /\(maxpool\): stride 0 is not an integer in 1\.\.128$/],
      ['MaxPooling2D', (c) => ((c.pool_size = [1000, 1000]), (c.strides = [1000, 1000])), /\(maxpool\): size 1000 is not an integer in 1\.\.128$/],
      ['UpSampling2D', (c) => (c.size = [100000, 100000]), /\(upsample\): factor 100000 is not an integer in 1\.\.64$/],
      ['LeakyReLU', (c) => (c.alpha = 'NaN'), /\(activation\): the slope \(alpha\) NaN is not finite$/],
    ];
    for (const [className, edit, message] of cases) {
      const edited = structuredClone(base);
      const layer = edited.config.layers.find((l) => l.class_name === className)!;
      edit(layer.config);
      const bytes = await writeKeras2H5(edited, weights);
      const started = performance.now();
      const error = await loadKeras(bytes, 'absurd.h5').then(() => undefined, (e: Error) => e.message);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error, className).toMatch(new RegExp(`^absurd\\.h5: .*layer '${layer.name}'`));
      expect(error, className).toMatch(message);
    }
  });
});

describe('Keras configs with odd structure (found by the fuzz suite, test/fuzz)', () => {
  /** The fixture's .keras archive with its config.json edited. */
  const archiveWith = (edit: (config: { config: { layers: Array<Record<string, unknown>>; output_layers: unknown[][] } }) => void, text?: (json: string) => string) => {
    const entries = unzipSync(bytesOf('keras-tiny-yolo3-w2-c2.keras'));
    const config = JSON.parse(new TextDecoder().decode(entries['config.json']));
    edit(config);
    const json = JSON.stringify(config);
    return zipSync({ ...entries, 'config.json': strToU8(text ? text(json) : json) }, { level: 1 });
  };
  const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { keras_history: [name, 0, 0] } });
  const failure = (bytes: Uint8Array) => loadKeras(bytes, 'odd.keras').then(() => 'loaded', (e: Error) => e);

  it('an Add or Concatenate layer without inputs is refused by name (was: Cannot read properties of undefined)', async () => {
    const bytes = archiveWith((c) => {
      const add = c.config.layers.find((l) => l.class_name === 'Concatenate')!;
      add.class_name = 'Add';
      add.inbound_nodes = null;
    });
    const error = await failure(bytes);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('Error');
    expect((error as Error).message).toMatch(/^odd\.keras: layer '\w+' \(Add\): has no inputs$/);
  });

  it('config values that are not text are quoted as JSON, never [object Object]', async () => {
    const bytes = archiveWith((c) => {
      const conv = c.config.layers.find((l) => l.class_name === 'Conv2D')!;
      (conv.config as Record<string, unknown>).data_format = { class_name: '__keras_tensor__' };
    });
    const message = ((await failure(bytes)) as Error).message;
    expect(message).toMatch(/data_format '\{"class_name":"__keras_tensor__"\}' is not supported/);
    expect(message).not.toMatch(/object Object/);
    const unnamed = archiveWith((c) => {
      c.config.layers[3].name = { a: 1 };
      (c.config.layers[3].config as Record<string, unknown>).name = { a: 1 };
    });
    expect(((await failure(unnamed)) as Error).message).toBe('odd.keras: layer #3 in the model config has no name ({"a":1})');
  });

  it('a chain of 19000 layers loads (walked without recursion); a config of more layers than the graph limit is refused before any walk', async () => {
    const chain = (n: number) =>
      archiveWith((c) => {
        let previous = String(c.config.output_layers[0][0]);
        for (let k = 0; k < n; k++) {
          const name = `chain_${k}`;
          c.config.layers.push({ class_name: 'LeakyReLU', name, config: { name, negative_slope: 0.1 }, inbound_nodes: [{ args: [tensor(previous)], kwargs: {} }] });
          previous = name;
        }
        c.config.output_layers[0] = [previous, 0, 0];
      });
    expect(await failure(chain(19000))).toBe('loaded');
    expect(((await failure(chain(25000))) as Error).message).toMatch(/^odd\.keras: the model config has 250\d\d layers, more than 20000$/);
  });

  it('call arguments nested 100000 deep are refused, not walked recursively', async () => {
    const bytes = archiveWith(
      (c) => (c.config.layers[1].inbound_nodes = [{ args: '@ARGS@', kwargs: {} }]),
      (json) => json.replace('"@ARGS@"', `${'['.repeat(100000)}${JSON.stringify(tensor('input_layer'))}${']'.repeat(100000)}`),
    );
    expect(((await failure(bytes)) as Error).message).toMatch(/^odd\.keras: layer '\w+': a layer's call arguments are nested more than 64 deep$/);
  });
});

describe('Keras weights', () => {
  it('refuses NaN weights, naming the file and the layer', async () => {
    const { config, weights } = await fixtureConfigAndWeights('keras-tiny-yolo3-w2-c2');
    const [layer, roles] = [...weights].find(([, r]) => r.has('kernel'))!;
    roles.get('kernel')!.data[2] = Number.NaN;
    const bytes = await writeKeras2H5(toKeras2Config(config), weights);
    await expect(loadKeras(bytes, 'nan.h5')).rejects.toThrow(new RegExp(`^nan\\.h5: layer '${layer}' \\(conv\\): weights: 1 of \\d+ values are not finite \\(the first, NaN, at index \\d+\\)$`));
  });
});

describe('corrupt Keras files', () => {
  it.each(['keras-tiny-yolo3-w2-c2.h5', 'keras-yolo3-w2-c3.h5', 'keras-tiny-yolo3-w2-c2.keras', 'keras-yolo3-w2-c3.keras'])(
    '%s: every truncation and byte flip is one line naming the file, with nothing printed',
    async (name) => {
      const bytes = bytesOf(name);
      const variants: Array<[string, Uint8Array]> = [
        ...[0.001, 0.05, 0.5, 0.999].map((f): [string, Uint8Array] => [`truncated to ${f}`, bytes.subarray(0, Math.floor(bytes.length * f))]),
        ...Array.from({ length: 40 }, (_, k): [string, Uint8Array] => [`flip ${k}`, flipped(bytes, 12345 + k)]),
      ];
      const messages: string[] = [];
      for (const [what, variant] of variants) {
        forgetHdf5DamageForTests(); // each variant as if in its own process (see the last test)
        const outcome = await captured(() => loadKeras(variant, 'bad.model'));
        expect(outcome.printed, what).toBe('');
        if (!outcome.error) continue; // a flip inside weight values or unread bytes loads
        const message = outcome.error.message;
        expect(message.split('\n'), what).toHaveLength(1);
        expect(message, what).toMatch(/^bad\.model(\/model\.weights\.h5)?: /);
        expect(message, what).not.toMatch(/HDF5-DIAG|error - name not defined|[\x00-\x1f]/);
        messages.push(message);
      }
      expect(messages.length).toBeGreaterThan(10);
    },
  );

  it('names what HDF5 found wrong, not the error that followed from it', async () => {
    // Flip 11 of the generator above misaligns an object header message in both .h5 fixtures.
    for (const name of ['keras-tiny-yolo3-w2-c2.h5', 'keras-yolo3-w2-c3.h5']) {
      forgetHdf5DamageForTests();
      const { error, printed } = await captured(() => loadKeras(flipped(bytesOf(name), 12345 + 11), 'bad.h5'));
      expect(printed).toBe('');
      expect(error?.message).toBe('bad.h5: corrupt HDF5 file (HDF5: message not aligned)');
    }
  });

  it('a size field too large to allocate is said as such (fuzz seed 20261130, h5 case 408)', async () => {
    const original = bytesOf('keras-yolo3-w2-c3.h5');
    const bytes = new Uint8Array(original.length + 16);
    bytes.set(original);
    new DataView(bytes.buffer).setFloat32(1704763, 3.4e38, true);
    forgetHdf5DamageForTests();
    const { error, printed } = await captured(() => loadKeras(bytes, 'big.h5'));
    expect(printed).toBe('');
    expect(error?.message).toBe("big.h5: corrupt HDF5 file (a size in it is too large to allocate: HDF5's on disk image buffer)");
    forgetHdf5DamageForTests();
  });

  it('a .keras archive whose weights file is corrupt: one line naming the archive and its weights file', async () => {
    const entries = unzipSync(bytesOf('keras-tiny-yolo3-w2-c2.keras'));
    const corrupt: string[] = [];
    for (let k = 0; k < 20; k++) {
      const archive = zipSync({ ...entries, 'model.weights.h5': flipped(entries['model.weights.h5'], 777 + k, 4096) });
      forgetHdf5DamageForTests();
      const { error, printed } = await captured(() => loadKeras(archive, 'bad.keras'));
      expect(printed).toBe('');
      if (!error) continue;
      expect(error.message.split('\n')).toHaveLength(1);
      expect(error.message).toMatch(/^bad\.keras(\/model\.weights\.h5)?: /);
      if (error.message.startsWith('bad.keras/model.weights.h5: corrupt HDF5 file (HDF5: ')) corrupt.push(error.message);
    }
    expect(corrupt.length).toBeGreaterThan(0);
  });

  it('says where a config stops being JSON', async () => {
    const entries = { 'config.json': strToU8('{"class_name": "Functional", "config": {"layers": [}'), 'model.weights.h5': bytesOf('keras-tiny-yolo3-w2-c2.h5') };
    await expect(loadKeras(zipSync(entries), 'broken.keras')).rejects.toThrow(/^broken\.keras: the model config is not valid JSON \(Unexpected token '}', .*"layers": \[}.*\): the file is damaged or was not written by Keras$/);
  });

  it('refuses an archive entry that would unpack to far more than the archive', async () => {
    const huge = new Uint8Array(80 << 20); // zeros: 80 MiB that deflate to ~80 KiB
    const archive = zipSync({ 'config.json': strToU8('{}'), 'model.weights.h5': huge }, { level: 1 });
    const started = performance.now();
    await expect(loadKeras(archive, 'bomb.keras')).rejects.toThrow(/^bomb\.keras: the archive's model\.weights\.h5 would unpack to 83886080 bytes, more than 67108864 for a \d+-byte archive/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

// Last: after HDF5 has read a corrupt file, this process reads no more HDF5 files.
describe('after a corrupt file', () => {
  it('no further HDF5 file is read in the process, with a line that says why', async () => {
    expect(hdf5ReaderDamagedBy()).toMatch(/^bad\./);
    await expect(loadKeras(bytesOf('keras-tiny-yolo3-w2-c2.h5'), 'good.h5')).rejects.toThrow(
      /^good\.h5: not read: the HDF5 reader of this process may be damaged by the corrupt file bad\.\S+ read before it; read this file in a new process$/,
    );
  });
});
