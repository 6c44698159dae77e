export type * from './binding-types.js';
export { loadNativeAddon, tryLoadNativeAddon, addonCandidates, explainLoadError, ADDON_FILE, ADDON_PATH_ENV, type AddonLoad } from './load-addon.js';
export { toNativeGraph, type NativeGraph } from './graph-desc.js';
export { createNativeModel, NativeGraphModel, type CreateNativeModelOptions, type NativeBackwardOptions as NativeGraphBackwardOptions } from './native-model.js';
export { nativeBuildInfo } from './build-info.js';
