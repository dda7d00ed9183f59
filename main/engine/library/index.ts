/** The engine's library: what front ends (CLI, web mode, desktop) import. */
export { Library, DENSE_WEIGHT, DEFAULT_K, type ReembedOptions } from './library.js';
export type { ReembedProgress } from './reembedJob.js';
export { defaultDbPath, userDataDir } from './defaultDbPath.js';
export { DEFAULT_SETTINGS } from './settings.js';
export { setSqliteNativeBinding } from '../store/database.js';
export type * from './types.js';
