/**
 * The library engine's home thread. The desktop main process and the web-mode
 * server keep their own thread for the UI and HTTP; every engine call (SQLite,
 * ingest orchestration, search) runs here. Messages: engineProtocol.ts.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { setWorkerDirectory } from '../engine/workers/spawnWorker.js';
import type { IngestProgress } from '../engine/library/types.js';
import type { AppEngine, ReembedProgress } from './appEngine.js';
import { serializeError, type EngineWorkerData, type FromWorker, type ToWorker } from './engineProtocol.js';
import { openEngine } from './openEngine.js';

const ENGINE_NICE = 10;
const port = parentPort!;
const data = workerData as EngineWorkerData;
const post = (m: FromWorker): void => port.postMessage(m);

const aborts = new Map<number, AbortController>();
const watchers = new Map<number, Promise<() => Promise<void>>>();

async function handle(engine: AppEngine, m: ToWorker): Promise<void> {
  switch (m.kind) {
    case 'call': {
      const fn = engine[m.method] as (...args: unknown[]) => Promise<unknown>;
      post({ kind: 'result', id: m.id, value: await fn.apply(engine, m.args) });
      return;
    }
    case 'ingest': {
      const controller = new AbortController();
      aborts.set(m.id, controller);
      try {
        const options = {
          ...((m.args[0] as object | undefined) ?? {}),
          signal: controller.signal,
          onProgress: (progress: IngestProgress | ReembedProgress) =>
            post({ kind: 'progress', id: m.id, progress }),
        };
        const value = await (m.method === 'ingest'
          ? engine.ingest(options)
          : m.method === 'retryFailed'
            ? engine.retryFailed(options)
            : engine.reembed(options));
        post({ kind: 'result', id: m.id, value });
      } finally {
        aborts.delete(m.id);
      }
      return;
    }
    case 'abort':
      aborts.get(m.id)?.abort();
      return;
    case 'watch': {
      const stop = engine.watch((event) => post({ kind: 'watch-event', id: m.id, event }));
      watchers.set(m.id, stop);
      await stop;
      post({ kind: 'result', id: m.id, value: null });
      return;
    }
    case 'unwatch': {
      const stop = watchers.get(m.watchId);
      watchers.delete(m.watchId);
      if (stop) await (await stop)();
      post({ kind: 'result', id: m.id, value: null });
      return;
    }
    case 'close': {
      for (const c of aborts.values()) c.abort();
      for (const stop of watchers.values()) await (await stop)().catch(() => undefined);
      watchers.clear();
      await engine.close();
      post({ kind: 'result', id: m.id, value: null });
      return;
    }
  }
}

// Indexing must not starve the thread that serves the UI and HTTP. On Linux a
// thread's nice value is its own and threads it starts inherit it, so this
// lowers the engine and every worker it spawns, and nothing else. (Elsewhere
// the call would reprioritise the whole process, so it is skipped.)
if (process.platform === 'linux') {
  try {
    os.setPriority(ENGINE_NICE);
  } catch {
    // Not permitted in some sandboxes: run at normal priority.
  }
}

try {
  if (data.workerDir) setWorkerDirectory(data.workerDir);
  const engine = await openEngine(data);
  port.on('message', (m: ToWorker) => {
    handle(engine, m).catch((e: unknown) => {
      if ('id' in m) post({ kind: 'error', id: m.id, error: serializeError(e) });
    });
  });
  post({ kind: 'ready' });
} catch (e) {
  post({ kind: 'fatal', error: serializeError(e) });
}
