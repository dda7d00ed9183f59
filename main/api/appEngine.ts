import type { ReembedProgress } from '../engine/library/index.js';
import type { LibraryEngine } from '../engine/library/types.js';

export type { ReembedProgress };

/**
 * What the app drives: the engine contract plus the Library's background
 * re-embedding after a pack change (search keeps the old vectors until the
 * new set is complete; calling it again joins the running job).
 */
export interface AppEngine extends LibraryEngine {
  reembed(options?: {
    signal?: AbortSignal;
    onProgress?: (p: ReembedProgress) => void;
  }): Promise<ReembedProgress>;
}
