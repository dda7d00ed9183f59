import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawnWorker.js';
import { exitOf, newOrtGate, shutBeforeOrt, stopWorker, type OrtGate } from '../workers/stopWorker.js';
import type { TowerWorkerInit, TowerWorkerReply, TowerWorkerRequest } from './towerWorkerProtocol.js';

export interface WorkerReady {
  active: string;
  fallbackReason: string | null;
  dim: number;
}

interface Pending {
  resolve: (data: Float32Array) => void;
  reject: (e: Error) => void;
  texts: number;
}

/** One tower worker: request/response by id, with its queue length for load balancing. */
class TowerWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;
  queued = 0;
  readonly ready: Promise<WorkerReady>;
  private readonly exited: Promise<void>;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly gate: OrtGate,
  ) {
    this.exited = exitOf(worker);
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (reply: TowerWorkerReply) => {
        if (reply.type === 'ready') resolve(reply);
        else if (reply.type === 'init-error') reject(new Error(reply.message));
        else this.settle(reply);
      });
      const stop = (e: Error): void => {
        this.failure ??= e;
        reject(e);
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      worker.on('error', (e) => stop(e));
      worker.on('exit', (code) => stop(new Error(`tower worker stopped (exit code ${code})`)));
    });
    this.ready.catch(() => {});
  }

  private settle(reply: Extract<TowerWorkerReply, { type: 'result' | 'error' }>): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.queued -= p.texts;
    if (reply.type === 'result') p.resolve(reply.data);
    else p.reject(new Error(reply.message));
  }

  embed(texts: string[]): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    this.queued += texts.length;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, texts: texts.length });
      this.worker.postMessage({ type: 'embed', id, texts } satisfies TowerWorkerRequest);
    });
  }

  /**
   * Stops the worker: at once when it has not begun loading its model, else by
   * asking it to release its session and exit (never terminate() mid-ORT: see
   * workers/stopWorker.ts).
   */
  close(): Promise<void> {
    this.failure ??= new Error('tower pack is closed');
    this.closing ??= shutBeforeOrt(this.gate)
      ? this.worker.terminate().then(() => undefined)
      : stopWorker(this.worker, this.exited, { type: 'close' } satisfies TowerWorkerRequest);
    return this.closing;
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
    const workers = Array.from({ length: count }, () => {
      const ortGate = newOrtGate();
      return new TowerWorker(
        spawnWorker(import.meta.url, 'hashedTower', { workerData: { ...init, ortGate } }),
        ortGate,
      );
    });
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
