/**
 * The packages stand alone: core, runtime-tfjs, node, native (with its prebuilt binary) and
 * runtime-onnx are packed with `pnpm pack`, installed from their tarballs into a scratch
 * project outside the workspace (third-party dependencies from the registry, through pnpm's
 * store), and a consumer written against the public API only is typechecked with tsc and run
 * with node: the same explanation on both runtimes.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Package folder -> tarball name stem. */
const PACKAGES: Record<string, string> = {
  'packages/core': 'core',
  'packages/runtime-tfjs': 'runtime-tfjs',
  'packages/node': 'node',
  'packages/runtime-onnx': 'runtime-onnx',
  native: 'native',
};
const scratch = mkdtempSync(join(tmpdir(), 'yolo-saliency-consumer-'));

const execFileAsync = promisify(execFile);

// Asynchronous on purpose: a synchronous npm install blocks the test worker's event loop long
// enough for vitest's own worker RPC to time out.
async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, { cwd, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('packed packages installed outside the workspace', () => {
  it('typecheck and run an explanation through the public API', { timeout: 900_000 }, async () => {
    for (const folder of Object.keys(PACKAGES)) {
      if (!existsSync(join(ROOT, folder, 'dist', 'index.js'))) {
        throw new Error(`${folder} is not built: run \`pnpm build\` (\`pnpm test\` builds first)`);
      }
    }
    expect(existsSync(join(ROOT, 'native', 'prebuilds', 'linux-x64', 'yolo_saliency.node'))).toBe(true);
    const tarballs = join(scratch, 'tarballs');
    for (const folder of Object.keys(PACKAGES)) {
      await run('pnpm', ['pack', '--pack-destination', tarballs], join(ROOT, folder));
    }
    const files = readdirSync(tarballs);
    const tarball = (name: string) => {
      const file = files.find((f) => f.startsWith(`yolo-saliency-${name}-`));
      if (!file) throw new Error(`no tarball for ${name} in ${files.join(', ')}`);
      return `file:./tarballs/${file}`;
    };
    const specs = Object.fromEntries(Object.values(PACKAGES).map((n) => [`@yolo-saliency/${n}`, tarball(n)]));
    const project = {
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: specs,
      // The tarballs name each other by version (workspace links are gone): point those at
      // the tarballs too, as a project installing unpublished builds would.
      pnpm: { overrides: specs },
    };
    writeFileSync(join(scratch, 'package.json'), JSON.stringify(project, null, 2));
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
          outDir: 'dist', types: [],
          // tfjs-core's own .d.ts need @types/long; our typings are still checked at every use.
          skipLibCheck: true, lib: ['ES2022', 'DOM'],
        },
        files: ['consumer.ts', 'node-globals.d.ts'],
      }),
    );
    // Only what the consumer uses from Node, so the check needs no @types/node install.
    writeFileSync(
      join(scratch, 'node-globals.d.ts'),
      "declare const process: { argv: string[] };\ndeclare module 'node:fs' { export function readFileSync(p: string, e: 'utf8'): string; }\n",
    );
    cpSync(join(ROOT, 'test', 'standalone', 'consumer.ts'), join(scratch, 'consumer.ts'));

    // Workspace links are gone in the tarballs: each package names the others by version,
    // which npm satisfies with the tarballs installed at the top level.
    // No dependency build scripts run (pnpm's default): onnxruntime-node's would download CUDA
    // libraries, and the native package must load its prebuilt binary as shipped.
    await run('pnpm', ['install', '--ignore-workspace', '--config.auto-install-peers=false', '--reporter=silent'], scratch);
    expect(existsSync(join(scratch, 'node_modules', '@yolo-saliency', 'native', 'prebuilds', 'linux-x64', 'yolo_saliency.node'))).toBe(true);
    expect(existsSync(join(scratch, 'node_modules', '@yolo-saliency', 'core', 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(scratch, 'node_modules', '@yolo-saliency', 'core', 'src'))).toBe(false);

    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], scratch);
    const out = join(scratch, 'out');
    cpSync(join(ROOT, 'fixtures', 'darknet', 'yolov3-tiny.cfg'), join(scratch, 'tiny.cfg'));
    await run('mkdir', ['-p', out], scratch);
    const stdout = await run(process.execPath, ['dist/consumer.js', 'tiny.cfg', join(ROOT, 'fixtures', 'images', 'dog.jpg'), out], scratch);
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.weightsSource).toBe('seeded');
    expect(result.dims).toEqual([64, 64, 3]);
    expect(result.finite).toBe(true);
    expect(result.nonZero).toBeGreaterThan(100);
    expect(result.backend).toBe('cpu');
    expect(result.onnxBackend).toBe('onnxruntime-cpu');
    expect(result.cosine).toBeGreaterThanOrEqual(0.9999);
    expect(typeof result.cudaCompiled).toBe('boolean');
    expect(existsSync(join(out, 'vanilla.png'))).toBe(true);
    expect(existsSync(join(out, 'vanilla.npy'))).toBe(true);
  });
});
