import { UserError } from '../errors.js';
import { spawnWorker } from '../workers/spawnWorker.js';
import type { IngestJobParams } from './ingestJob.js';
import type { ReembedJobParams, ReembedProgress } from './reembedJob.js';
import type { IngestProgress, IngestSummary } from './types.js';

export type JobRequest =
  | { type: 'start'; job: 'ingest'; params: IngestJobParams }
  | { type: 'start'; job: 'reembed'; params: ReembedJobParams };

export type JobMessage =
  | { type: 'progress'; progress: unknown }
  | { type: 'done'; result: unknown }
  | { type: 'error'; message: string; user: boolean; subject?: string };

interface JobTypes {
  ingest: { params: IngestJobParams; progress: IngestProgress; result: IngestSummary };
  reembed: { params: ReembedJobParams; progress: ReembedProgress; result: ReembedProgress };
}

/**
 * Runs an indexing or re-embedding job in its own worker thread and relays its
 * progress. An abort asks the worker to stop after the work in flight
 * (everything written stays consistent); the job then resolves as cancelled.
 */
export function runJobInWorker<K extends keyof JobTypes>(
  job: K,
  params: JobTypes[K]['params'],
  options: { signal?: AbortSignal; onProgress?: (p: JobTypes[K]['progress']) => void } = {},
): Promise<JobTypes[K]['result']> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker(import.meta.url, 'job');
    let settled = false;
    const onAbort = (): void => worker.postMessage({ type: 'cancel' });
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: JobMessage) => {
      if (m.type === 'progress') options.onProgress?.(m.progress as JobTypes[K]['progress']);
      else if (m.type === 'done') finish(() => resolve(m.result as JobTypes[K]['result']));
      else finish(() => reject(m.user ? new UserError(m.message, m.subject) : new Error(m.message)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`${job} worker exited with code ${code}`))));
    worker.postMessage({ type: 'start', job, params } as JobRequest);
    if (options.signal?.aborted) onAbort();
  });
}
