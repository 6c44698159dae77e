/**
 * The page in Debian's Chromium (playwright-core), against a real server: the default opens
 * with its detections, a click gives every method's map, display changes re-render without a
 * recompute, a Keras .h5 uploads and explains, a corrupt file shows an error, a dropped image
 * is used, a long job shows progress and cancels, and the browser's own maps (tfjs: WebGL
 * through SwiftShader, or wasm) agree with the server's. Screenshots of each state go to
 * apps/web/out/test/ (gitignored).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { METHOD_NAMES } from '@yolo-saliency/core';
import { chromiumArgs, chromiumPath, fixture, importServer, OUT, screenshotPath } from './web-helpers.js';

const chromium = chromiumPath();
if (!chromium) console.log('web browser tests skipped: no Chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)');

type WebServer = Awaited<ReturnType<Awaited<ReturnType<typeof importServer>>['startServer']>>;

describe.skipIf(!chromium)('web page in Chromium', () => {
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  const jobPosts: string[] = [];

  beforeAll(async () => {
    const { startServer } = await importServer();
    server = await startServer({ port: 0, maxRunningJobs: 2 });
    const { chromium: launcher } = await import('playwright-core');
    browser = await launcher.launch({ executablePath: chromium, args: chromiumArgs() });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/jobs')) jobPosts.push(r.postData() ?? '');
    });
    console.log(`web browser tests: screenshots in ${OUT}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Wait until the detections shown are those of the chosen model (and image, when given). */
  async function detectedOn(imageTitle?: string): Promise<void> {
    await page.waitForFunction(
      (title) => {
        const info = document.querySelector('[data-testid="detect-info"]');
        const model = document.querySelector('[data-testid="model-select"]') as HTMLSelectElement | null;
        return !!info && !!model && info.getAttribute('data-model') === model.value && (!title || info.getAttribute('data-image') === title);
      },
      imageTitle,
      { timeout: 60_000 },
    );
  }

  async function openDefault(): Promise<void> {
    await page.goto(server.url!);
    await detectedOn();
  }

  async function mapsShown(): Promise<string[]> {
    const ids = await page.locator('[data-testid^="map-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
    return ids.filter((id) => METHOD_NAMES.some((m) => id === `map-${m}`));
  }

  it('opens on the bundled default model and image with its detections drawn', async () => {
    await openDefault();
    const detections = page.getByTestId('detection');
    expect(await detections.count()).toBeGreaterThanOrEqual(3);
    const { DEFAULT_MODEL_ID } = await import('@yolo-saliency/node');
    expect(await page.getByTestId('model-select').inputValue()).toBe(DEFAULT_MODEL_ID);
    expect(await page.getByTestId('detect-info').innerText()).toMatch(/detection\(s\), server: /);
    await page.screenshot({ path: screenshotPath('web-default'), fullPage: true });
  });

  it('reaches every detection by a click on its box, however the boxes overlap (dog.jpg: two dogs, a cat and a bicycle on one another)', async () => {
    for (const m of METHOD_NAMES) if (m !== 'vanilla') await page.getByTestId(`method-${m}`).uncheck();
    const detections = page.getByTestId('detection');
    const count = await detections.count();
    // A plain click at each detection's centre, as scripts do: Playwright refuses when another element takes it.
    for (let k = 0; k < count; k++) {
      const index = await detections.nth(k).getAttribute('data-index');
      await detections.nth(k).click();
      await page.getByTestId('target-info').filter({ hasText: `target det:${index}/score = ` }).waitFor({ timeout: 60_000 });
      expect(JSON.parse(jobPosts.at(-1)!)).toMatchObject({ target: `det:${index}/score` });
    }
    // A click off every centre marker: the second dog's box lies inside the first dog's and the
    // cat's, so a click in it, away from its centre, is the second dog (the nested box wins).
    const inner = page.locator('[data-testid="detection"][data-class="dog"]').nth(1);
    const box = (await inner.locator('rect').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
    const innerIndex = await inner.getAttribute('data-index');
    await page.getByTestId('target-info').filter({ hasText: `target det:${innerIndex}/score = ` }).waitFor({ timeout: 60_000 });
    expect(JSON.parse(jobPosts.at(-1)!)).toMatchObject({ target: `det:${innerIndex}/score` });
    for (const m of METHOD_NAMES) await page.getByTestId(`method-${m}`).check();
  });

  it('explains a clicked detection with every method, each map with its time and runtime', async () => {
    await page.getByTestId('detection').first().click();
    await page.getByTestId('map-smoothgrad').waitFor({ timeout: 60_000 });
    expect(await mapsShown()).toEqual(METHOD_NAMES.map((m) => `map-${m}`));
    for (const method of METHOD_NAMES) {
      const text = await page.getByTestId(`map-${method}`).innerText();
      expect(text).toMatch(/\d+ ms · server: \w+ \(.+ on .+\)/);
    }
    expect(await page.getByTestId('target-info').innerText()).toMatch(/target det:0\/score = /);
    const last = JSON.parse(jobPosts.at(-1)!);
    expect(last).toMatchObject({ kind: 'explain', target: 'det:0/score', methods: [...METHOD_NAMES] });
    await page.screenshot({ path: screenshotPath('web-maps'), fullPage: true });
  });

  it('changes the colormap, opacity and percentile without recomputing', async () => {
    const canvas = page.getByTestId('map-vanilla').locator('canvas').first();
    const before = await canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    const jobs = await page.getByTestId('results').getAttribute('data-jobs');
    const posts = jobPosts.length;
    await page.getByTestId('colormap').selectOption('gray');
    await page.waitForFunction((old) => (document.querySelector('[data-testid="map-vanilla"] canvas') as HTMLCanvasElement).toDataURL() !== old, before);
    const gray = await canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    await page.getByTestId('percentile').fill('90');
    await page.getByTestId('opacity').fill('0.9');
    await page.waitForFunction((old) => (document.querySelector('[data-testid="map-vanilla"] canvas') as HTMLCanvasElement).toDataURL() !== old, gray);
    expect(await page.getByTestId('results').getAttribute('data-jobs')).toBe(jobs);
    expect(jobPosts.length).toBe(posts);
    expect(await mapsShown()).toHaveLength(METHOD_NAMES.length);
    await page.screenshot({ path: screenshotPath('web-gray'), fullPage: true });
    await page.getByTestId('colormap').selectOption('jet');
  });

  it('downloads a map as .npy and the panel as PNG', async () => {
    const [npy] = await Promise.all([page.waitForEvent('download'), page.getByTestId('npy-vanilla-server').click()]);
    const bytes = readFileSync((await npy.path())!);
    expect(Array.from(bytes.subarray(1, 6))).toEqual([...'NUMPY'].map((c) => c.charCodeAt(0)));
    const [panel] = await Promise.all([page.waitForEvent('download'), page.getByTestId('panel-server').click()]);
    expect(panel.suggestedFilename()).toMatch(/\.server\.panel\.png$/);
    expect(readFileSync((await panel.path())!).subarray(1, 4).toString()).toBe('PNG');
  });

  it('uploads a Keras .h5 from fixtures/keras and explains a raw target with it', async () => {
    await page.getByTestId('model-upload').setInputFiles(fixture('keras/keras-tiny-yolo3-w2-c2.h5'));
    await page.getByTestId('model-description').filter({ hasText: 'keras-tiny-yolo3-w2-c2.h5' }).waitFor({ timeout: 60_000 });
    await detectedOn();
    await page.getByTestId('raw-target').fill('raw:scale=0,anchor=0,y=1,x=1,channel=4');
    for (const m of ['integrated-gradients', 'smoothgrad']) await page.getByTestId(`method-${m}`).uncheck();
    await page.getByTestId('explain').click();
    await page.getByTestId('map-visual-backprop').waitFor({ timeout: 60_000 });
    expect(await mapsShown()).toEqual(['map-vanilla', 'map-guided', 'map-visual-backprop']);
    expect(await page.getByTestId('target-info').innerText()).toContain('raw:scale=0,anchor=0,y=1,x=1,channel=4');
    await page.screenshot({ path: screenshotPath('web-keras'), fullPage: true });
    await page.getByTestId('raw-target').fill('');
    for (const m of ['integrated-gradients', 'smoothgrad']) await page.getByTestId(`method-${m}`).check();
  });

  it('shows a clear error for a corrupt model file, and goes on working', async () => {
    await page.getByTestId('model-upload').setInputFiles({ name: 'corrupt.h5', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not an HDF5 file at all') });
    const error = page.getByTestId('error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.innerText()).toMatch(/corrupt\.h5: not an HDF5 file/);
    await page.screenshot({ path: screenshotPath('web-error'), fullPage: true });
    // A truncated real .h5 passes the signature check and fails in the loader: also one line.
    const h5 = readFileSync(fixture('keras/keras-tiny-yolo3-w2-c2.h5'));
    await page.getByTestId('model-upload').setInputFiles({ name: 'half.h5', mimeType: 'application/octet-stream', buffer: h5.subarray(0, h5.length >> 1) });
    await page.getByTestId('error').filter({ hasText: 'half.h5' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('error').innerText()).not.toMatch(/\n\s+at /);
    const { DEFAULT_MODEL_ID } = await import('@yolo-saliency/node');
    await page.getByTestId('model-select').selectOption(DEFAULT_MODEL_ID);
    await detectedOn();
    expect(await page.getByTestId('error').count()).toBe(0);
  });

  it('uses an image dropped on the page', async () => {
    const bytes = readFileSync(fixture('images/dog.jpg')).toString('base64');
    const transfer = await page.evaluateHandle((b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], 'dropped-dog.jpg', { type: 'image/jpeg' }));
      return dt;
    }, bytes);
    await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
    await page.getByTestId('image-select').locator('option', { hasText: 'dropped-dog.jpg' }).waitFor({ state: 'attached', timeout: 30_000 });
    await detectedOn('dropped-dog.jpg');
    const size = await page.getByTestId('picture').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    expect(size).toEqual([768, 576]);
    const { DEFAULT_IMAGE_ID } = await import('@yolo-saliency/node');
    await page.getByTestId('image-select').selectOption(DEFAULT_IMAGE_ID);
    await detectedOn((await page.getByTestId('image-select').locator('option:checked').innerText()).trim());
  });

  /** The small shapes detector on its own image: the slow paths below stay quick whatever the default is. */
  async function useShapes(): Promise<void> {
    if ((await page.getByTestId('model-select').inputValue()) !== 'shapes') await page.getByTestId('model-select').selectOption('shapes');
    if ((await page.getByTestId('image-select').inputValue()) !== 'shapes') await page.getByTestId('image-select').selectOption('shapes');
    await detectedOn((await page.getByTestId('image-select').locator('option:checked').innerText()).trim());
  }

  it('streams the progress of a long job and cancels it', async () => {
    await useShapes();
    await page.getByTestId('server-runtime').selectOption('tfjs/cpu');
    await page.getByTestId('detect-info').filter({ hasText: 'tfjs (cpu' }).waitFor({ timeout: 60_000 });
    for (const m of METHOD_NAMES) if (m !== 'integrated-gradients') await page.getByTestId(`method-${m}`).uncheck();
    await page.getByTestId('steps').fill('400');
    await page.getByTestId('detection').first().click();
    const progress = page.getByTestId('progress-server');
    await progress.filter({ hasText: /integrated-gradients \d+\/400/ }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: screenshotPath('web-progress'), fullPage: true });
    await page.getByTestId('cancel').click();
    await progress.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.getByTestId('error').count()).toBe(0);
    expect(await mapsShown()).toEqual([]);
    await page.getByTestId('steps').fill('20');
    for (const m of METHOD_NAMES) await page.getByTestId(`method-${m}`).check();
    await page.getByTestId('server-runtime').selectOption('auto/auto');
    await page.getByTestId('detect-info').filter({ hasNotText: 'tfjs (cpu' }).waitFor({ timeout: 60_000 });
  });

  it('computes in this browser alone: a model picked there is loaded in the page and never uploaded', async () => {
    await useShapes();
    const uploads: string[] = [];
    const listener = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST') uploads.push(r.url());
    };
    page.on('request', listener);
    await page.getByTestId('where-browser').check();
    await page.getByTestId('browser-backend').selectOption('wasm');
    await page.getByTestId('model-upload').setInputFiles(fixture('keras/keras-tiny-yolo3-w2-c2.h5'));
    await page.getByTestId('detect-info').filter({ hasText: 'browser: tfjs (wasm on ' }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('model-select').locator('option:checked').innerText()).toContain('keras-tiny-yolo3-w2-c2.h5 (in this browser)');
    await page.getByTestId('raw-target').fill('raw:scale=1,anchor=0,y=2,x=3,channel=4');
    for (const m of ['integrated-gradients', 'smoothgrad', 'guided']) await page.getByTestId(`method-${m}`).uncheck();
    await page.getByTestId('explain').click();
    await page.getByTestId('map-visual-backprop').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('map-vanilla').innerText()).toMatch(/browser: tfjs \(wasm on /);
    page.off('request', listener);
    expect(uploads).toEqual([]);
    await page.screenshot({ path: screenshotPath('web-in-browser'), fullPage: true });
    await page.getByTestId('raw-target').fill('');
    for (const m of METHOD_NAMES) await page.getByTestId(`method-${m}`).check();
    await page.getByTestId('browser-backend').selectOption('auto');
    await page.getByTestId('where-server').check();
  });

  it("computes in the browser too (WebGL, then wasm), and the browser's maps match the server's (cosine >= 0.999)", async () => {
    await useShapes();
    await page.getByTestId('where-compare').check();
    // Fewer IG steps and SmoothGrad samples: SwiftShader is a CPU pretending to be a GPU.
    await page.getByTestId('steps').fill('5');
    await page.getByTestId('samples').fill('4');
    await detectedOn();
    await page.getByTestId('detection').first().click();
    for (const method of METHOD_NAMES) await page.getByTestId(`cosine-${method}`).waitFor({ timeout: 110_000 });
    const cosines: Record<string, number> = {};
    for (const method of METHOD_NAMES) cosines[method] = Number(await page.getByTestId(`cosine-${method}`).getAttribute('data-value'));
    console.log(`browser vs server cosine: ${JSON.stringify(cosines)}`);
    for (const method of METHOD_NAMES) expect(cosines[method], method).toBeGreaterThanOrEqual(0.999);
    const browserSide = await page.getByTestId('map-vanilla-browser').innerText();
    expect(browserSide).toMatch(/browser: tfjs \((webgpu|webgl|wasm) on /);
    console.log(`browser runtime: ${browserSide.split('\n').find((l) => l.includes('browser:'))}`);
    expect(await page.getByTestId('map-vanilla-server').innerText()).toMatch(/server: /);
    await page.screenshot({ path: screenshotPath('web-compare'), fullPage: true });

    // The wasm backend too (what browsers without a usable GPU get).
    await page.getByTestId('browser-backend').selectOption('wasm');
    for (const m of ['integrated-gradients', 'guided', 'smoothgrad']) await page.getByTestId(`method-${m}`).uncheck();
    await page.getByTestId('detection').nth(1).click();
    await page.getByTestId('map-vanilla-browser').filter({ hasText: 'browser: tfjs (wasm on ' }).waitFor({ timeout: 60_000 });
    for (const method of ['vanilla', 'visual-backprop']) {
      await page.getByTestId(`cosine-${method}`).waitFor({ timeout: 60_000 });
      const cosine = Number(await page.getByTestId(`cosine-${method}`).getAttribute('data-value'));
      console.log(`browser (wasm) vs server cosine, ${method}: ${cosine}`);
      expect(cosine, method).toBeGreaterThanOrEqual(0.999);
    }
    for (const m of METHOD_NAMES) await page.getByTestId(`method-${m}`).check();
  }, 150_000);

  it('had no CSP violation and no uncaught page error', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
