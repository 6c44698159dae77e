/**
 * The page: pick a model and an image, click a detection, see every method's map; computed on
 * the server's runtime, in this browser, or both side by side.
 */
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { METHOD_NAMES } from '@yolo-saliency/core';
import type { Colormap, Image8, MethodName, Quantity } from '@yolo-saliency/core';
import { QUANTITY_NAMES, detectionTarget } from '../shared/api.js';
import type { CatalogResponse, ComputePlace, DetectionJson, ImageInfo, ModelInfo, RuntimesResponse } from '../shared/api.js';
import { cosineSimilarity, encodeNpyFloat32, toThreeChannels } from '../shared/raw-map.js';
import type { BrowserModelFiles } from './browser-protocol.js';
import { apiJson, Cancelled, computeInBrowser, computeOnServer, type Computation, type Computed, type ComputeStatus } from './compute.js';
import { centreMarkerRadius, detectionAt } from './detection-at.js';
import { decodeImage, drawOn, pngBlob, renderDetectionsPicture, renderOverlay, renderPanel, type DisplaySettings } from './render.js';
import './style.css';

type Catalog = CatalogResponse & { limits: { maxModelFileBytes: number; maxTextFileBytes: number; maxImageBytes: number; maxImagePixels: number; maxRunningJobs: number } };
type Where = 'server' | 'browser' | 'compare';

/** A model: bundled or uploaded to the server (info), or files picked here and not sent (yet). */
interface ModelChoice {
  key: string;
  title: string;
  info?: ModelInfo;
  files?: File[];
}

interface ImageChoice {
  key: string;
  title: string;
  info?: ImageInfo;
  file?: File;
}

const COLORMAPS: Colormap[] = ['jet', 'inferno', 'gray'];
const BROWSER_BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];
const MODEL_EXTENSIONS = ['.cfg', '.weights', '.names', '.txt', '.h5', '.hdf5', '.keras', '.onnx'];

let keyCounter = 0;
const localKey = () => `local-${++keyCounter}`;

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 2 ** 20) * 10) / 10} MB`;
}

function describeRuntime(c: Computed): string {
  const r = c.runtime;
  return `${c.where}: ${r.name} (${r.backend} on ${r.device})`;
}

/** Where a mouse event on the picture's overlay is, in picture pixels (the overlay is stretched over the picture). */
function pictureCoordinates(e: MouseEvent, picture: { width: number; height: number }): [number, number] {
  const area = (e.currentTarget as Element).closest('svg')!.getBoundingClientRect();
  return [((e.clientX - area.left) / area.width) * picture.width, ((e.clientY - area.top) / area.height) * picture.height];
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A picture on a canvas, redrawn when it changes. */
function Picture({ image, testId, label }: { image: Image8; testId?: string; label?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawOn(ref.current, image);
  }, [image]);
  return <canvas ref={ref} data-testid={testId} aria-label={label} class={image.width <= 256 ? 'pixelated' : undefined} />;
}

function App() {
  const [catalog, setCatalog] = useState<Catalog>();
  const [runtimes, setRuntimes] = useState<RuntimesResponse>();
  const [model, setModel] = useState<ModelChoice>();
  const [image, setImage] = useState<ImageChoice>();
  const [picture, setPicture] = useState<Image8>();
  const [where, setWhere] = useState<Where>('server');
  const [serverRuntime, setServerRuntime] = useState('auto');
  const [serverBackend, setServerBackend] = useState('auto');
  const [browserBackend, setBrowserBackend] = useState('auto');
  /** The detections, with the model and image they are of (shown only while those are chosen). */
  const [detection, setDetected] = useState<Computed & { modelKey: string; imageKey: string; picture: Image8; computeKey: string }>();
  const [selected, setSelected] = useState<number>();
  const [hovered, setHovered] = useState<number>();
  const [quantity, setQuantity] = useState<Quantity>('score');
  const [rawTarget, setRawTarget] = useState('');
  const [methods, setMethods] = useState<MethodName[]>([...METHOD_NAMES]);
  const [steps, setSteps] = useState(20);
  const [samples, setSamples] = useState(25);
  const [noise, setNoise] = useState(0.15);
  const [display, setDisplay] = useState<DisplaySettings>({ opacity: 0.5, colormap: 'jet', percentile: 99 });
  const [results, setResults] = useState<Partial<Record<ComputePlace, Computed>>>({});
  const [status, setStatus] = useState<Partial<Record<ComputePlace, ComputeStatus>>>({});
  const [error, setError] = useState<string>();
  const [jobCount, setJobCount] = useState(0);
  const running = useRef<Computation[]>([]);
  const bytesCache = useRef(new Map<string, BrowserModelFiles>());
  const detectGeneration = useRef(0);

  const fail = (e: unknown) => {
    if (!(e instanceof Cancelled)) setError(messageOf(e));
  };

  // Open on the bundled default.
  useEffect(() => {
    void (async () => {
      try {
        const c = await apiJson<Catalog>('/api/catalog');
        setCatalog(c);
        const m = c.models.find((x) => x.id === c.defaultModel) ?? c.models[0];
        const i = c.images.find((x) => x.id === c.defaultImage) ?? c.images[0];
        if (m) setModel({ key: m.id, title: m.title, info: m });
        if (i) setImage({ key: i.id, title: i.title, info: i });
      } catch (e) {
        fail(e);
      }
      apiJson<RuntimesResponse>('/api/runtimes').then(setRuntimes, fail);
    })();
  }, []);

  // Decode the chosen image here (for drawing, and for computing in the browser).
  useEffect(() => {
    if (!image) return;
    let stale = false;
    void (async () => {
      try {
        const blob = image.file ?? (await (await fetch(`/api/images/${image.info!.id}`)).blob());
        const decoded = await decodeImage(blob);
        if (!stale) setPicture(decoded);
      } catch (e) {
        if (!stale) fail(new Error(`${image.title}: ${messageOf(e)}`));
      }
    })();
    return () => {
      stale = true;
    };
  }, [image]);

  const place = (): ComputePlace => (where === 'browser' ? 'browser' : 'server');
  /** Where detections are computed, and on what: a change detects again. */
  const computeKey = where === 'browser' ? `browser/${browserBackend}` : `server/${serverRuntime}/${serverBackend}`;

  /** The model's id on the server, uploading files picked here first. */
  async function serverModel(choice: ModelChoice): Promise<string> {
    if (choice.info) return choice.info.id;
    const form = new FormData();
    for (const f of choice.files!) form.append('files', f, f.name);
    const info = await apiJson<ModelInfo>('/api/models', { method: 'POST', body: form });
    choice.info = info;
    setCatalog((c) => (c ? { ...c, models: [...c.models, info] } : c));
    return info.id;
  }

  async function serverImage(choice: ImageChoice): Promise<string> {
    if (choice.info) return choice.info.id;
    const form = new FormData();
    form.append('image', choice.file!, choice.file!.name);
    const info = await apiJson<ImageInfo>('/api/images', { method: 'POST', body: form });
    choice.info = info;
    setCatalog((c) => (c ? { ...c, images: [...c.images, info] } : c));
    return info.id;
  }

  /** The model's files as bytes, for the browser (from the files picked here, or fetched). */
  async function browserModel(choice: ModelChoice): Promise<BrowserModelFiles> {
    const cached = bytesCache.current.get(choice.key);
    if (cached) return cached;
    const files: BrowserModelFiles = { model: undefined as never };
    if (choice.files) {
      for (const f of choice.files) {
        const entry = { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
        const ext = /\.[^.]+$/.exec(f.name)?.[0].toLowerCase() ?? '';
        if (ext === '.weights') files.weights = entry;
        else if (ext === '.names' || ext === '.txt') files.names = entry;
        else files.model = entry;
      }
    } else {
      for (const f of choice.info!.files) {
        const response = await fetch(`/api/models/${choice.info!.id}/files/${f.role}`);
        if (!response.ok) throw new Error(`${f.name}: could not fetch it (${response.status})`);
        files[f.role] = { name: f.name, bytes: new Uint8Array(await response.arrayBuffer()) };
      }
    }
    if (!files.model) throw new Error('no model file among the files picked (.cfg, .h5, .keras or .onnx)');
    bytesCache.current.set(choice.key, files);
    return files;
  }

  function cancelAll(): void {
    for (const c of running.current) c.cancel();
    running.current = [];
    setStatus({});
  }

  /** Run one detect or explain at one place. */
  async function start(at: ComputePlace, kind: 'detect' | 'explain', target: string, m: ModelChoice, i: ImageChoice, pixels: Image8): Promise<Computed> {
    setJobCount((n) => n + 1);
    const onStatus = (s: ComputeStatus) => setStatus((prev) => ({ ...prev, [at]: s }));
    let computation: Computation;
    if (at === 'server') {
      const [modelId, imageId] = await Promise.all([serverModel(m), serverImage(i)]);
      computation = computeOnServer(
        { kind, model: modelId, image: imageId, runtime: serverRuntime, backend: serverBackend, ...(kind === 'explain' ? { target, methods, steps, samples, noise } : {}) },
        onStatus,
      );
    } else {
      const files = await browserModel(m);
      computation = computeInBrowser(
        { kind, modelKey: m.key, model: files, image: { width: pixels.width, height: pixels.height, data: new Uint8ClampedArray(pixels.data) }, backend: browserBackend, target, methods, steps, samples, noise },
        onStatus,
      );
    }
    running.current.push(computation);
    try {
      return await computation.done;
    } finally {
      running.current = running.current.filter((c) => c !== computation);
      setStatus((prev) => ({ ...prev, [at]: undefined }));
    }
  }

  // Detect whenever the model, the image or the place changes.
  useEffect(() => {
    if (!model || !image || !picture) return;
    const generation = ++detectGeneration.current;
    cancelAll();
    setDetected(undefined);
    setSelected(undefined);
    setResults({});
    setError(undefined);
    start(place(), 'detect', 'top', model, image, picture).then(
      (c) => {
        if (generation === detectGeneration.current) setDetected({ ...c, modelKey: model.key, imageKey: image.key, picture, computeKey });
      },
      (e) => {
        if (generation === detectGeneration.current) fail(e);
      },
    );
  }, [model, picture, computeKey]);

  async function explainTarget(target: string): Promise<void> {
    if (!model || !image || !picture) return;
    if (methods.length === 0) return setError('choose at least one method');
    cancelAll();
    setError(undefined);
    setResults({});
    const places: ComputePlace[] = where === 'compare' ? ['server', 'browser'] : [place()];
    await Promise.all(
      places.map((at) =>
        start(at, 'explain', target, model, image, picture).then(
          (c) => setResults((prev) => ({ ...prev, [at]: c })),
          (e) => fail(e),
        ),
      ),
    );
  }

  function explainDetection(index: number): void {
    setSelected(index);
    void explainTarget(detectionTarget(index, quantity));
  }

  function pickModelFiles(list: FileList | null): void {
    if (!list || list.length === 0 || !catalog) return;
    const files = [...list];
    for (const f of files) {
      const ext = /\.[^.]+$/.exec(f.name)?.[0].toLowerCase() ?? '';
      if (!MODEL_EXTENSIONS.includes(ext)) return setError(`${f.name}: not a model file (expected ${MODEL_EXTENSIONS.join(', ')})`);
      const limit = ext === '.cfg' || ext === '.names' || ext === '.txt' ? catalog.limits.maxTextFileBytes : catalog.limits.maxModelFileBytes;
      if (f.size > limit) return setError(`${f.name}: ${megabytes(f.size)}, more than the ${megabytes(limit)} limit`);
    }
    const choice: ModelChoice = { key: localKey(), title: files.map((f) => f.name).join(' + '), files };
    setError(undefined);
    if (where === 'browser') return setModel(choice);
    // Sent to the server now, so a bad file is reported before anything else happens.
    serverModel(choice).then(() => setModel(choice), fail);
  }

  function pickImageFile(file: File | undefined): void {
    if (!file || !catalog) return;
    if (file.size > catalog.limits.maxImageBytes) return setError(`${file.name}: ${megabytes(file.size)}, more than the ${megabytes(catalog.limits.maxImageBytes)} limit`);
    const choice: ImageChoice = { key: localKey(), title: file.name, file };
    setError(undefined);
    if (where === 'browser') return setImage(choice);
    serverImage(choice).then(() => setImage(choice), fail);
  }

  // Drop an image anywhere on the page.
  useEffect(() => {
    const over = (e: DragEvent) => e.preventDefault();
    const drop = (e: DragEvent) => {
      e.preventDefault();
      const file = [...(e.dataTransfer?.files ?? [])].find((f) => f.type.startsWith('image/') || /\.(jpe?g|png|webp|gif)$/i.test(f.name));
      if (file) pickImageFile(file);
      else if (e.dataTransfer?.files.length) setError('drop an image file (JPEG, PNG, WebP or GIF)');
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  });

  const detected = detection && detection.modelKey === model?.key && detection.imageKey === image?.key && detection.picture === picture && detection.computeKey === computeKey ? detection : undefined;
  const detectionsPicture = useMemo(() => (picture && detected ? renderDetectionsPicture(picture, detected.detections) : picture), [picture, detected]);
  const shown = results.server ?? results.browser;
  const serverRuntimes = runtimes?.runtimes.filter((r) => r.available) ?? [];
  const backendsOf = serverRuntimes.find((r) => r.name === serverRuntime)?.backends.filter((b) => b.available) ?? [];

  // Every map rendered with the current display settings (no recompute when they change).
  const overlays = useMemo(() => {
    const out: Partial<Record<ComputePlace, Map<MethodName, Image8>>> = {};
    if (!picture) return out;
    for (const at of ['server', 'browser'] as const) {
      const r = results[at];
      if (!r) continue;
      out[at] = new Map(r.maps.map((m) => [m.method, renderOverlay(m.raw, r.letterbox, picture, display, r.target?.detection)]));
    }
    return out;
  }, [results, picture, display]);

  async function downloadPanel(at: ComputePlace): Promise<void> {
    const r = results[at];
    const tiles = overlays[at];
    if (!r || !tiles || !detectionsPicture) return;
    const panel = renderPanel(detectionsPicture, [...tiles].map(([method, image]) => ({ image, title: method })));
    download(await pngBlob(panel), `${image?.title.replace(/\.[^.]+$/, '') ?? 'image'}.${at}.panel.png`);
  }

  const busy = Object.values(status).filter(Boolean) as ComputeStatus[];
  const methodOrder = shown ? shown.maps.map((m) => m.method) : [];

  return (
    <div class="page">
      <header>
        <h1>yolo-saliency</h1>
        <p class="lead">Click a detection to see which pixels made the detector see it.</p>
      </header>

      {error && (
        <div class="error" data-testid="error" role="alert">
          <span>{error}</span>
          <button type="button" onClick={() => setError(undefined)} aria-label="dismiss">
            ×
          </button>
        </div>
      )}

      <section class="controls">
        <fieldset>
          <legend>Model</legend>
          <select data-testid="model-select" value={model?.info?.id ?? ''} onChange={(e) => {
            const m = catalog?.models.find((x) => x.id === (e.target as HTMLSelectElement).value);
            if (m) setModel({ key: m.id, title: m.title, info: m });
          }}>
            {model && !model.info && <option value="">{model.title} (in this browser)</option>}
            {catalog?.models.map((m) => (
              <option value={m.id}>{m.source === 'upload' ? `uploaded: ${m.title}` : m.title}</option>
            ))}
          </select>
          <label class="file">
            upload: darknet .cfg + .weights (+ .names), Keras .h5/.keras, or .onnx
            <input type="file" multiple data-testid="model-upload" accept={MODEL_EXTENSIONS.join(',')} onChange={(e) => pickModelFiles((e.target as HTMLInputElement).files)} />
          </label>
          {model?.info && (
            <p class={model.info.trained ? 'note' : 'note warn'} data-testid="model-description">
              {model.info.description}
            </p>
          )}
        </fieldset>

        <fieldset>
          <legend>Image</legend>
          <select data-testid="image-select" value={image?.info?.id ?? ''} onChange={(e) => {
            const i = catalog?.images.find((x) => x.id === (e.target as HTMLSelectElement).value);
            if (i) setImage({ key: i.id, title: i.title, info: i });
          }}>
            {image && !image.info && <option value="">{image.title} (in this browser)</option>}
            {catalog?.images.map((i) => (
              <option value={i.id}>{i.source === 'upload' ? `uploaded: ${i.title}` : i.title}</option>
            ))}
          </select>
          <label class="file">
            upload (or drop one on the page)
            <input type="file" data-testid="image-upload" accept="image/jpeg,image/png,image/webp,image/gif" onChange={(e) => pickImageFile((e.target as HTMLInputElement).files?.[0])} />
          </label>
        </fieldset>

        <fieldset>
          <legend>Compute</legend>
          <div class="where" role="radiogroup">
            {(['server', 'browser', 'compare'] as const).map((w) => (
              <label>
                <input type="radio" name="where" value={w} data-testid={`where-${w}`} checked={where === w} onChange={() => setWhere(w)} />
                {w === 'server' ? 'on the server' : w === 'browser' ? 'in this browser' : 'compare both'}
              </label>
            ))}
          </div>
          {where !== 'browser' && (
            <label>
              server runtime
              <select data-testid="server-runtime" value={`${serverRuntime}/${serverBackend}`} onChange={(e) => {
                const [r, b] = (e.target as HTMLSelectElement).value.split('/');
                setServerRuntime(r);
                setServerBackend(b);
              }}>
                <option value="auto/auto">auto{runtimes && 'runtime' in runtimes.auto ? ` (${runtimes.auto.runtime}: ${runtimes.auto.backend} on ${runtimes.auto.device})` : ''}</option>
                {serverRuntimes.flatMap((r) => [
                  <option value={`${r.name}/auto`}>{r.name}</option>,
                  ...r.backends.filter((b) => b.available).map((b) => <option value={`${r.name}/${b.name}`}>{`${r.name}: ${b.name}`}</option>),
                ])}
              </select>
              {backendsOf.length === 0 && serverRuntime !== 'auto' && <span class="note warn">no backend of {serverRuntime} is available</span>}
            </label>
          )}
          {where !== 'server' && (
            <label>
              browser backend
              <select data-testid="browser-backend" value={browserBackend} onChange={(e) => setBrowserBackend((e.target as HTMLSelectElement).value)}>
                {BROWSER_BACKENDS.map((b) => (
                  <option value={b}>{b === 'auto' ? 'auto (WebGPU, else WebGL, else wasm)' : b}</option>
                ))}
              </select>
            </label>
          )}
        </fieldset>

        <fieldset>
          <legend>What to explain</legend>
          <label>
            quantity
            <select data-testid="quantity" value={quantity} onChange={(e) => setQuantity((e.target as HTMLSelectElement).value as Quantity)}>
              {QUANTITY_NAMES.map((q) => (
                <option value={q}>{q}</option>
              ))}
            </select>
          </label>
          <label>
            or a target
            <input type="text" data-testid="raw-target" placeholder="raw:scale=0,anchor=0,y=2,x=3,channel=4 or class:NAME/score" value={rawTarget} onInput={(e) => setRawTarget((e.target as HTMLInputElement).value)} />
          </label>
          <button type="button" data-testid="explain" disabled={!detected} onClick={() => void explainTarget(rawTarget.trim() || (selected !== undefined ? detectionTarget(selected, quantity) : `top/${quantity}`))}>
            Explain
          </button>
        </fieldset>

        <fieldset>
          <legend>Methods</legend>
          {METHOD_NAMES.map((m) => (
            <label class="check">
              <input type="checkbox" data-testid={`method-${m}`} checked={methods.includes(m)} onChange={(e) => setMethods((prev) => ((e.target as HTMLInputElement).checked ? METHOD_NAMES.filter((x) => x === m || prev.includes(x)) : prev.filter((x) => x !== m)))} />
              {m}
            </label>
          ))}
          <label>
            IG steps <input type="number" data-testid="steps" min={1} max={512} value={steps} onInput={(e) => setSteps(Math.max(1, Math.min(512, Number((e.target as HTMLInputElement).value) || 20)))} />
          </label>
          <label>
            SmoothGrad samples <input type="number" data-testid="samples" min={1} max={512} value={samples} onInput={(e) => setSamples(Math.max(1, Math.min(512, Number((e.target as HTMLInputElement).value) || 25)))} />
          </label>
          <label>
            noise <input type="number" data-testid="noise" min={0} max={2} step={0.05} value={noise} onInput={(e) => setNoise(Math.max(0, Math.min(2, Number((e.target as HTMLInputElement).value) || 0)))} />
          </label>
        </fieldset>

        <fieldset>
          <legend>Display</legend>
          <label>
            opacity <input type="range" data-testid="opacity" min={0} max={1} step={0.05} value={display.opacity} onInput={(e) => setDisplay({ ...display, opacity: Number((e.target as HTMLInputElement).value) })} />
          </label>
          <label>
            colormap
            <select data-testid="colormap" value={display.colormap} onChange={(e) => setDisplay({ ...display, colormap: (e.target as HTMLSelectElement).value as Colormap })}>
              {COLORMAPS.map((c) => (
                <option value={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            percentile <input type="number" data-testid="percentile" min={50} max={100} step={0.5} value={display.percentile} onInput={(e) => {
              const v = Number((e.target as HTMLInputElement).value);
              if (v > 0 && v <= 100) setDisplay({ ...display, percentile: v });
            }} />
          </label>
        </fieldset>
      </section>

      <section class="stage-row">
        <div class="stage" data-testid="stage">
          {detectionsPicture && <Picture image={detectionsPicture} testId="picture" label={image?.title} />}
          {picture && detected && (
            <svg
              viewBox={`0 0 ${picture.width} ${picture.height}`}
              preserveAspectRatio="none"
              class={hovered !== undefined ? 'over-detection' : undefined}
              onMouseLeave={() => setHovered(undefined)}
            >
              {/* Beneath the boxes: a click or hover anywhere is resolved by where it lands, so
                  overlapping boxes do not hide one another (detection-at.ts). */}
              <rect
                class="hit-layer"
                width={picture.width}
                height={picture.height}
                onMouseMove={(e) => setHovered(detectionAt(detected.detections, ...pictureCoordinates(e, picture)))}
                onClick={(e) => {
                  const index = detectionAt(detected.detections, ...pictureCoordinates(e, picture));
                  if (index !== undefined) explainDetection(index);
                }}
              />
              {detected.detections.map((d) => (
                <g
                  data-testid="detection"
                  data-index={d.index}
                  data-class={d.className}
                  data-score={d.score.toFixed(4)}
                  class={[selected === d.index && 'selected', hovered === d.index && 'hovered'].filter(Boolean).join(' ') || undefined}
                >
                  <title>{`${d.className} ${d.score.toFixed(2)} (det:${d.index})`}</title>
                  <rect class="outline" x={d.box[0]} y={d.box[1]} width={Math.max(1, d.box[2] - d.box[0])} height={Math.max(1, d.box[3] - d.box[1])} />
                  {/* The box's centre always means this box, whatever overlaps it. */}
                  <circle
                    class="centre"
                    cx={(d.box[0] + d.box[2]) / 2}
                    cy={(d.box[1] + d.box[3]) / 2}
                    r={centreMarkerRadius(d.box, picture)}
                    onMouseEnter={() => setHovered(d.index)}
                    onClick={() => explainDetection(d.index)}
                  />
                </g>
              ))}
            </svg>
          )}
        </div>
        <div class="side">
          {detected && (
            <p data-testid="detect-info" data-model={model?.info?.id ?? model?.key} data-image={image?.title}>
              {detected.detections.length} detection(s), {describeRuntime(detected)}. Click one to explain it.
            </p>
          )}
          {!detected && !error && <p>detecting…</p>}
          <ol class="detections">
            {detected?.detections.map((d) => (
              <li>
                <button type="button" class={selected === d.index ? 'selected' : undefined} onClick={() => explainDetection(d.index)}>
                  {d.className} {d.score.toFixed(2)}
                </button>
              </li>
            ))}
          </ol>
          {busy.map((s) => (
            <div class="progress" data-testid={`progress-${s.where}`}>
              <span>
                {s.where}: {s.state === 'queued' ? `queued, place ${s.position ?? '?'}` : s.method ? `${s.method} ${s.done}/${s.total}` : 'working…'}
              </span>
              {s.total ? <progress value={s.done} max={s.total} /> : <progress />}
            </div>
          ))}
          {busy.length > 0 && (
            <button type="button" data-testid="cancel" onClick={cancelAll}>
              Cancel
            </button>
          )}
        </div>
      </section>

      <section class="results" data-testid="results" data-jobs={jobCount} data-where={Object.keys(results).join(',')}>
        {shown?.target && (
          <p data-testid="target-info">
            target {shown.target.spec} = {shown.target.value.toPrecision(4)}
            {shown.target.detection ? ` (${shown.target.detection.className} ${shown.target.detection.score.toFixed(2)})` : ''}
          </p>
        )}
        <div class="downloads">
          {(['server', 'browser'] as const).map((at) =>
            results[at] ? (
              <button type="button" data-testid={`panel-${at}`} onClick={() => void downloadPanel(at)}>
                panel ({at}) PNG
              </button>
            ) : null,
          )}
        </div>
        <div class="maps">
          {methodOrder.map((method) => {
            const pair = (['server', 'browser'] as const).filter((at) => results[at]?.maps.some((m) => m.method === method));
            const raws = pair.map((at) => results[at]!.maps.find((m) => m.method === method)!);
            const cosine = pair.length === 2 ? cosineSimilarity(raws[0].raw.data, raws[1].raw.data) : undefined;
            return (
              <figure class="map" data-testid={`map-${method}`}>
                <figcaption>
                  <strong>{method}</strong>
                  {cosine !== undefined && (
                    <span class="cosine" data-testid={`cosine-${method}`} data-value={String(cosine)}>
                      cosine {cosine.toFixed(4)}
                    </span>
                  )}
                </figcaption>
                <div class="pair">
                  {pair.map((at, k) => {
                    const r = results[at]!;
                    const m = raws[k];
                    const picture = overlays[at]?.get(method);
                    return (
                      <div class="one" data-testid={`map-${method}-${at}`}>
                        {picture && <Picture image={picture} label={`${method} (${at})`} />}
                        <p class="meta">
                          {Math.round(m.milliseconds)} ms · {describeRuntime(r)}
                          {m.completenessError !== undefined ? ` · completeness error ${(m.completenessError * 100).toFixed(2)}%` : ''}
                        </p>
                        <p class="links">
                          <button type="button" onClick={() => picture && void pngBlob(picture).then((b) => download(b, `${method}.${at}.png`))}>
                            PNG
                          </button>
                          <button type="button" data-testid={`npy-${method}-${at}`} onClick={() => download(new Blob([encodeNpyFloat32(toThreeChannels(m.raw)) as BlobPart]), `${method}.${at}.npy`)}>
                            .npy
                          </button>
                        </p>
                      </div>
                    );
                  })}
                </div>
              </figure>
            );
          })}
        </div>
      </section>
      <footer>
        <a href="/api/openapi.json">API (OpenAPI)</a> · server: {runtimes && 'runtime' in runtimes.auto ? `auto = ${runtimes.auto.runtime} (${runtimes.auto.backend} on ${runtimes.auto.device})` : 'runtimes…'} ·{' '}
        {catalog ? `${catalog.limits.maxRunningJobs} job(s) at once` : ''}
      </footer>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
