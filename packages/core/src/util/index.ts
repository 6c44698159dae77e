export { createSeededRandom } from './random.js';
export type { SeededRandom } from './random.js';
