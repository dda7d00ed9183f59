import { sqliteNativeBinding } from '../store/database.js';
import type { CrossLingualRecall } from './crossLingual.js';
import { RpcClient } from '../workers/rpc.js';
import { spawnWorker } from '../workers/spawnWorker.js';

export interface DenseSearchInit {
  dbPath: string;
  sqliteBinding: string | null;
  /** The lexicon file cross-lingual recall translates with; null: none (the calling thread's search has none either). */
  lexiconPath: string | null;
}

/** What denseSearch.worker.ts serves. */
export type DenseSearchMethods = {
  top: {
    params: { setId: number; question: Float32Array; k: number };
    result: { ids: Float64Array; scores: Float64Array };
  };
  crossing: {
    params: { question: string; terms: string[]; k: number };
    result: CrossLingualRecall | null;
  };
  close: { params: undefined; result: null };
};

/**
 * Dense recall in a worker thread of its own (denseSearch.worker.ts), so that a
 * hybrid question on a large library runs its two channels side by side: BM25
 * in the calling thread, coarse search + rescoring here. Cross-lingual recall (the
 * translated query) runs here too, after the dense search, for the same reason.
 */
export class DenseSearchWorker {
  private readonly worker: RpcClient<DenseSearchMethods>;

  constructor(dbPath: string, lexiconPath: string | null = null) {
    const init: DenseSearchInit = { dbPath, sqliteBinding: sqliteNativeBinding(), lexiconPath };
    this.worker = new RpcClient(spawnWorker(import.meta.url, 'denseSearch', { workerData: init }), {
      name: 'dense search worker',
      // An idle search helper must not keep a CLI process alive.
      holdOnlyWhileBusy: true,
    });
  }

  /** The `k` nearest chunks of vector set `setId` (chunk id → cosine), by coarse search + float rescoring. */
  async top(setId: number, question: Float32Array, k: number): Promise<Map<number, number>> {
    const { ids, scores } = await this.worker.call('top', { setId, question, k });
    return new Map(Array.from(ids, (id, i) => [id, scores[i]!]));
  }

  /** Cross-lingual recall (CrossLingualSearch.recall) on this thread's connection. */
  crossing(question: string, terms: string[], k: number): Promise<CrossLingualRecall | null> {
    return this.worker.call('crossing', { question, terms, k });
  }

  async close(): Promise<void> {
    await this.worker.close('close', 2000);
  }
}
