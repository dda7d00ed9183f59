import type { Worker } from 'node:worker_threads';
import { UserError } from '../../errors.js';
import { spawnWorker } from '../../workers/spawnWorker.js';
import { exitOf, stopWorker } from '../../workers/stopWorker.js';
import type { WorkerReply, WorkerRequest } from './encoder.worker.js';

interface Task {
  id: number;
  texts: string[];
  resolve: (rows: Float32Array) => void;
  reject: (e: Error) => void;
}

type InitRequest = Extract<WorkerRequest, { type: 'init' }>;

function toError(r: { message: string; user: boolean }): Error {
  return r.user ? new UserError(r.message) : new Error(r.message);
}

/**
 * Workers running one tower's encoder, one task each at a time, tasks in
 * arrival order. A pack keeps a separate one-worker pool for questions, so a
 * question never waits behind passage batches (an e5-sized batch of 64
 * passages takes tens of seconds on two CPU cores).
 */
export class EncoderPool {
  private readonly queue: Task[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly idle: Worker[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly workers: Worker[],
    private readonly exits: Promise<void>[],
  ) {
    for (const w of workers) {
      w.on('message', (m: WorkerReply) => this.onReply(w, m));
      w.on('error', (e) => this.onCrash(w, e));
      this.idle.push(w);
    }
  }

  static async start(
    count: number,
    init: Omit<InitRequest, 'type'>,
  ): Promise<{ pool: EncoderPool; active: string; fallbackReason: string | null }> {
    const workers = Array.from({ length: count }, () => spawnWorker(import.meta.url, 'encoder'));
    const exits = workers.map(exitOf);
    try {
      const ready = await Promise.all(workers.map((w) => awaitReady(w, init)));
      return {
        pool: new EncoderPool(workers, exits),
        active: ready[0].active,
        fallbackReason: ready[0].fallbackReason,
      };
    } catch (e) {
      await stopAll(workers, exits);
      throw e;
    }
  }

  run(texts: string[]): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('tower pack is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, texts, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of [...this.queue.splice(0), ...this.busy.values()])
      t.reject(new Error('tower pack is closed'));
    this.busy.clear();
    await stopAll(this.workers, this.exits);
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.busy.set(w, task);
      w.postMessage({ type: 'embed', id: task.id, texts: task.texts } satisfies WorkerRequest);
    }
  }

  private onReply(w: Worker, m: WorkerReply): void {
    const task = this.busy.get(w);
    if (!task || m.type === 'ready') return;
    this.busy.delete(w);
    this.idle.push(w);
    if (m.type === 'result') task.resolve(m.data);
    else task.reject(toError(m));
    this.dispatch();
  }

  private onCrash(w: Worker, e: Error): void {
    const task = this.busy.get(w);
    this.busy.delete(w);
    task?.reject(new Error(`encoder worker crashed: ${e.message}`));
    // A crashed worker is not put back; when none are left, fail what waits.
    if (this.busy.size === 0 && this.idle.length === 0)
      for (const t of this.queue.splice(0)) t.reject(new Error('all encoder workers crashed'));
  }
}

/** Never terminate() a worker that may be inside ORT (see workers/stopWorker.ts). */
function stopAll(workers: Worker[], exits: Promise<void>[]): Promise<void> {
  return Promise.all(
    workers.map((w, i) => stopWorker(w, exits[i]!, { type: 'close' } satisfies WorkerRequest)),
  ).then(() => undefined);
}

function awaitReady(
  w: Worker,
  init: Omit<InitRequest, 'type'>,
): Promise<{ active: string; fallbackReason: string | null }> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerReply) => {
      w.off('error', onError);
      w.off('message', onMessage);
      if (m.type === 'ready') resolve(m);
      else if (m.type === 'error') reject(toError(m));
    };
    const onError = (e: Error) => {
      w.off('message', onMessage);
      reject(e);
    };
    w.on('message', onMessage);
    w.once('error', onError);
    w.postMessage({ type: 'init', ...init } satisfies WorkerRequest);
  });
}
