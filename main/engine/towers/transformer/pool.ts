import { RpcClient } from '../../workers/rpc.js';
import { spawnWorker } from '../../workers/spawnWorker.js';
import type { EncoderInit, EncoderMethods } from './encoder.worker.js';

interface Task {
  texts: string[];
  resolve: (rows: Float32Array) => void;
  reject: (e: Error) => void;
}

type EncoderWorker = RpcClient<EncoderMethods>;

/**
 * Workers running one tower's encoder, one task each at a time, tasks in
 * arrival order. A pack keeps a separate one-worker pool for questions, so a
 * question never waits behind passage batches (an e5-sized batch of 64
 * passages takes tens of seconds on two CPU cores).
 */
export class EncoderPool {
  private readonly queue: Task[] = [];
  private readonly idle: EncoderWorker[];
  private closed = false;

  private constructor(private readonly workers: EncoderWorker[]) {
    this.idle = [...workers];
  }

  static async start(
    count: number,
    init: EncoderInit,
  ): Promise<{ pool: EncoderPool; active: string; fallbackReason: string | null }> {
    const workers = Array.from(
      { length: count },
      () =>
        new RpcClient<EncoderMethods>(spawnWorker(import.meta.url, 'encoder'), { name: 'encoder worker' }),
    );
    try {
      const ready = await Promise.all(workers.map((w) => w.call('init', init)));
      return {
        pool: new EncoderPool(workers),
        active: ready[0].active,
        fallbackReason: ready[0].fallbackReason,
      };
    } catch (e) {
      await Promise.all(workers.map((w) => w.close()));
      throw e;
    }
  }

  run(texts: string[]): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('tower pack is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ texts, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error('tower pack is closed'));
    await Promise.all(this.workers.map((w) => w.close()));
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const task = this.queue.shift()!;
      w.call('embed', task.texts)
        .then(task.resolve, (e: Error) => task.reject(this.closed ? new Error('tower pack is closed') : e))
        .finally(() => this.done(w));
    }
  }

  private done(w: EncoderWorker): void {
    // A stopped worker is not put back; when none are left, fail what waits.
    if (!w.stopped) this.idle.push(w);
    else if (this.workers.every((other) => other.stopped))
      for (const t of this.queue.splice(0)) t.reject(new Error('all encoder workers stopped'));
    this.dispatch();
  }
}
