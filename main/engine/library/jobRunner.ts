import { sqliteNativeBinding } from '../store/database.js';
import { RpcClient } from '../workers/rpc.js';
import { spawnWorker } from '../workers/spawnWorker.js';
import type { IngestJobParams } from './ingestJob.js';
import type { ReembedJobParams, ReembedProgress } from './reembedJob.js';
import type { IngestProgress, IngestSummary } from './types.js';

/** What job.worker.ts serves: the jobs, and `shutdown` (close the packs) before the thread ends. */
export type JobMethods = {
  ingest: { params: IngestJobParams; progress: IngestProgress; result: IngestSummary };
  reembed: { params: ReembedJobParams; progress: ReembedProgress; result: ReembedProgress };
  shutdown: { params: undefined; result: null };
};
type JobTypes = Omit<JobMethods, 'shutdown'>;

/** An idle worker is let go after this long (it holds tower packs and their threads). */
const IDLE_MS = 120_000;

/**
 * A job worker thread that runs indexing and re-embedding jobs and relays their
 * progress. It is started on the first job and kept while jobs keep coming, so
 * packs stay loaded; an abort asks the job to stop after the work in flight
 * (everything written stays consistent) and it then resolves as cancelled.
 */
export class JobWorker {
  private worker: RpcClient<JobMethods> | null = null;
  private idle: NodeJS.Timeout | null = null;

  run<K extends keyof JobTypes>(
    job: K,
    params: JobTypes[K]['params'],
    options: { signal?: AbortSignal; onProgress?: (p: JobTypes[K]['progress']) => void } = {},
  ): Promise<JobTypes[K]['result']> {
    const worker = this.start();
    return worker.call(job, params, options).finally(() => {
      if (this.worker === worker && !worker.busy) this.scheduleIdle();
    });
  }

  private start(): RpcClient<JobMethods> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (this.worker) return this.worker;
    const worker: RpcClient<JobMethods> = new RpcClient(
      spawnWorker(import.meta.url, 'job', { workerData: { sqliteBinding: sqliteNativeBinding() } }),
      {
        name: 'job worker',
        onStop: () => {
          if (this.worker === worker) this.worker = null;
        },
      },
    );
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
    await worker.close('shutdown', 5000);
  }
}
