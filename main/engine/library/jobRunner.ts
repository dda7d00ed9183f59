import type { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { sqliteNativeBinding } from '../store/database.js';
import { spawnWorker } from '../workers/spawnWorker.js';
import type { IngestJobParams } from './ingestJob.js';
import type { ReembedJobParams, ReembedProgress } from './reembedJob.js';
import type { IngestProgress, IngestSummary } from './types.js';

export type JobRequest =
  | { type: 'start'; id: number; job: 'ingest'; params: IngestJobParams }
  | { type: 'start'; id: number; job: 'reembed'; params: ReembedJobParams };

export type JobMessage =
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string; user: boolean; subject?: string };

interface JobTypes {
  ingest: { params: IngestJobParams; progress: IngestProgress; result: IngestSummary };
  reembed: { params: ReembedJobParams; progress: ReembedProgress; result: ReembedProgress };
}

interface Pending {
  onProgress?: (p: unknown) => void;
  resolve(result: unknown): void;
  reject(e: Error): void;
}

/** An idle worker is let go after this long (it holds tower packs and their threads). */
const IDLE_MS = 120_000;

/**
 * A job worker thread that runs indexing and re-embedding jobs and relays their
 * progress. It is started on the first job and kept while jobs keep coming, so
 * packs stay loaded; an abort asks the job to stop after the work in flight
 * (everything written stays consistent) and it then resolves as cancelled.
 */
export class JobWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;

  run<K extends keyof JobTypes>(
    job: K,
    params: JobTypes[K]['params'],
    options: { signal?: AbortSignal; onProgress?: (p: JobTypes[K]['progress']) => void } = {},
  ): Promise<JobTypes[K]['result']> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<JobTypes[K]['result']>((resolve, reject) => {
      const onAbort = (): void => worker.postMessage({ type: 'cancel', id });
      const settle = (): void => {
        options.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
        if (!this.pending.size) this.scheduleIdle();
      };
      this.pending.set(id, {
        onProgress: options.onProgress as (p: unknown) => void,
        resolve: (r) => {
          settle();
          resolve(r as JobTypes[K]['result']);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ type: 'start', id, job, params } as JobRequest);
      if (options.signal?.aborted) onAbort();
    });
  }

  private start(): Worker {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (this.worker) return this.worker;
    const worker = spawnWorker(import.meta.url, 'job', {
      workerData: { sqliteBinding: sqliteNativeBinding() },
    });
    worker.on('message', (m: JobMessage) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') p.onProgress?.(m.progress);
      else if (m.type === 'done') p.resolve(m.result);
      else p.reject(m.user ? new UserError(m.message, m.subject) : new Error(m.message));
    });
    const fail = (e: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const p of [...this.pending.values()]) p.reject(e);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`job worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private scheduleIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.close(), IDLE_MS);
    this.idle.unref();
  }

  /** Closes the worker's packs and stops it (running jobs are rejected). */
  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'shutdown' });
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }
}
