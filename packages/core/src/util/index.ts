export { createSeededRandom } from './random.js';
export type { SeededRandom } from './random.js';
export { printable } from './printable.js';
