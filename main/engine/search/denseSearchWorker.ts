import type { Worker } from 'node:worker_threads';
import { sqliteNativeBinding } from '../store/database.js';
import { spawnWorker } from '../workers/spawnWorker.js';

export interface DenseSearchInit {
  dbPath: string;
  sqliteBinding: string | null;
}

export interface DenseSearchRequest {
  type: 'top';
  id: number;
  setId: number;
  question: Float32Array;
  k: number;
}

export type DenseSearchReply =
  { id: number; ids: Float64Array; scores: Float64Array } | { id: number; error: string };

/**
 * Dense recall in a worker thread of its own (denseSearch.worker.ts), so that a
 * hybrid question on a large library runs its two channels side by side: BM25
 * in the calling thread, coarse search + rescoring here.
 */
export class DenseSearchWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (m: Map<number, number>) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | null = null;
  private exited = false;

  constructor(dbPath: string) {
    const init: DenseSearchInit = { dbPath, sqliteBinding: sqliteNativeBinding() };
    this.worker = spawnWorker(import.meta.url, 'denseSearch', { workerData: init });
    // Held only while a request is out: an idle search helper must not keep a CLI process alive.
    this.worker.unref();
    this.worker.on('message', (r: DenseSearchReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in r) p.reject(new Error(r.error));
      else p.resolve(new Map(Array.from(r.ids, (id, i) => [id, r.scores[i]!])));
    });
    const stop = (e: Error): void => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', stop);
    this.worker.on('exit', (code) => {
      this.exited = true;
      stop(new Error(`dense search worker stopped (exit code ${code})`));
    });
  }

  /** The `k` nearest chunks of vector set `setId` (chunk id → cosine), by coarse search + float rescoring. */
  top(setId: number, question: Float32Array, k: number): Promise<Map<number, number>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'top', id, setId, question, k } satisfies DenseSearchRequest);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('dense search worker is closed');
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' });
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }
}
