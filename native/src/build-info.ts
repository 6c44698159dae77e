import type { NativeBuildInfo } from './binding-types.js';
import { loadNativeAddon } from './load-addon.js';

/** What the loaded binary was built with (CUDA or not, architectures, CPU features). */
export function nativeBuildInfo(): NativeBuildInfo {
  return loadNativeAddon().buildInfo();
}
