// @yolo-saliency/core/render: saliency maps and detections to RGBA pictures (no canvas, no Node).
export type * from './types.js';
export type { Rgb } from './color.js';
export { reduceChannels } from './reduce-channels.js';
export { normalizeForDisplay } from './normalize.js';
export type { NormalizeOptions } from './normalize.js';
export { applyColormap } from './colormap.js';
export { resizeImage8 } from './resize-image.js';
export { overlay } from './overlay.js';
export { unletterboxMap } from './unletterbox.js';
export { drawBox } from './draw-box.js';
export { drawLabel } from './draw-text.js';
export type { LabelOptions } from './draw-text.js';
export { drawDetections } from './draw-detections.js';
export type { DrawDetectionsOptions } from './draw-detections.js';
export { composePanel } from './compose-panel.js';
export type { PanelTile, PanelOptions, PanelLayout } from './compose-panel.js';
export { renderSaliency } from './render-saliency.js';
export type { RenderSaliencyOptions } from './render-saliency.js';
