import { sqliteNativeBinding } from '../store/database.js';
import { RpcClient } from '../workers/rpc.js';
import { spawnWorker } from '../workers/spawnWorker.js';

export interface DenseSearchInit {
  dbPath: string;
  sqliteBinding: string | null;
}

/** What denseSearch.worker.ts serves. */
export type DenseSearchMethods = {
  top: {
    params: { setId: number; question: Float32Array; k: number };
    result: { ids: Float64Array; scores: Float64Array };
  };
  close: { params: undefined; result: null };
};

/**
 * Dense recall in a worker thread of its own (denseSearch.worker.ts), so that a
 * hybrid question on a large library runs its two channels side by side: BM25
 * in the calling thread, coarse search + rescoring here.
 */
export class DenseSearchWorker {
  private readonly worker: RpcClient<DenseSearchMethods>;

  constructor(dbPath: string) {
    const init: DenseSearchInit = { dbPath, sqliteBinding: sqliteNativeBinding() };
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

  async close(): Promise<void> {
    await this.worker.close('close', 2000);
  }
}
