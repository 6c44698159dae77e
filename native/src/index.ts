// Public API of @yolo-saliency/native: the typed addon, its loader, its build.
export type * from './binding-types.js';
export { CPU_CODE_PATHS } from './binding-types.js';
export { loadNativeAddon, tryLoadNativeAddon, addonCandidates, explainLoadError, ADDON_FILE, ADDON_PATH_ENV, type AddonLoad } from './load-addon.js';
export { nativeBuildInfo } from './build-info.js';
