import { RpcClient } from '../workers/rpc.js';
import { spawnWorker } from '../workers/spawnWorker.js';
import { newOrtGate } from '../workers/stopWorker.js';
import type { TowerWorkerInit, TowerWorkerMethods } from './towerWorkerProtocol.js';

export type WorkerReady = TowerWorkerMethods['ready']['result'];

/** One tower worker, with its queue length for load balancing. */
class TowerWorker {
  private readonly worker: RpcClient<TowerWorkerMethods>;
  queued = 0;
  readonly ready: Promise<WorkerReady>;

  constructor(init: TowerWorkerInit) {
    const ortGate = newOrtGate();
    this.worker = new RpcClient(
      spawnWorker(import.meta.url, 'hashedTower', { workerData: { ...init, ortGate } }),
      { name: 'tower worker', ortGate },
    );
    this.ready = this.worker.call('ready', undefined);
    this.ready.catch(() => {});
  }

  embed(texts: string[]): Promise<Float32Array> {
    this.queued += texts.length;
    return this.worker.call('embed', texts).finally(() => (this.queued -= texts.length));
  }

  /**
   * Stops the worker: at once when it has not begun loading its model, else by
   * asking it to release its session and exit (never terminate() mid-ORT: see
   * workers/stopWorker.ts).
   */
  close(): Promise<void> {
    return this.worker.close();
  }
}

const MIN_PIECE = 8;
const MAX_PIECE = 256;

/**
 * Worker threads running one tower. Texts are cut into pieces spread over the
 * workers (least queued first) and the rows put back in input order.
 */
export class TowerPool {
  private constructor(
    private readonly workers: TowerWorker[],
    readonly dim: number,
    readonly ready: WorkerReady,
  ) {}

  /**
   * Start `count` workers and wait until all have loaded the model; rejects
   * with the first load error, or as soon as `signal` aborts.
   */
  static async start(count: number, init: TowerWorkerInit, signal?: AbortSignal): Promise<TowerPool> {
    const workers = Array.from({ length: count }, () => new TowerWorker(init));
    const abort = (): void => void Promise.all(workers.map((w) => w.close()));
    signal?.addEventListener('abort', abort, { once: true });
    try {
      if (signal?.aborted) throw new Error('tower pool start aborted');
      const ready = await Promise.all(workers.map((w) => w.ready));
      return new TowerPool(workers, ready[0]!.dim, ready[0]!);
    } catch (e) {
      await Promise.all(workers.map((w) => w.close()));
      throw e;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  async embed(texts: readonly string[]): Promise<Float32Array> {
    const dim = this.dim;
    const out = new Float32Array(texts.length * dim);
    if (texts.length === 0) return out;
    // Even shares for all workers, but no piece so small that messaging dominates, none so large that balancing suffers.
    const piece = Math.min(MAX_PIECE, Math.max(MIN_PIECE, Math.ceil(texts.length / this.workers.length)));
    const jobs: Promise<void>[] = [];
    for (let start = 0; start < texts.length; start += piece) {
      const worker = this.workers.reduce((a, b) => (b.queued < a.queued ? b : a));
      const part = texts.slice(start, start + piece);
      jobs.push(worker.embed(part).then((rows) => out.set(rows, start * dim)));
    }
    await Promise.all(jobs);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
