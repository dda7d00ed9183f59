/**
 * The library engine's home thread. The desktop main process and the web-mode
 * server keep their own thread for the UI and HTTP; every engine call (SQLite,
 * ingest orchestration, search) runs here. Messages: engineProtocol.ts.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { serveRpc, type RpcContext } from '../engine/workers/rpc.js';
import { setWorkerDirectory } from '../engine/workers/spawnWorker.js';
import type { EngineMethods, EngineWorkerData, WatchMessage } from './engineProtocol.js';
import { openEngine } from './openEngine.js';
import { explainDiskFull } from '../engine/store/diskFull.js';

const ENGINE_NICE = 10;
const data = workerData as EngineWorkerData;

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

if (data.workerDir) setWorkerDirectory(data.workerDir);
const opening = openEngine(data);
opening.catch(() => {}); // reported by `ready`
/** Aborts the jobs in flight when the library closes. */
const closing = new AbortController();
const watchers = new Map<number, Promise<() => Promise<void>>>();

/** A job's options in this thread: the caller's abort, or closing the library, stops it. */
function jobOptions<P>(options: object, { signal, progress }: RpcContext<P>) {
  return { ...options, signal: AbortSignal.any([signal, closing.signal]), onProgress: progress };
}

const server = serveRpc<EngineMethods>(parentPort!, {
  ready: async () => {
    await opening;
    return null;
  },
  call: async ({ method, args }) => {
    const engine = await opening;
    const fn = engine[method] as (...args: unknown[]) => Promise<unknown>;
    try {
      return await fn.apply(engine, args);
    } catch (e) {
      // Any write (a folder added, a setting, a conversation) can meet a full disk: say so.
      throw explainDiskFull(e, data.open.dbPath);
    }
  },
  ingest: async (options, context) => (await opening).ingest(jobOptions(options, context)),
  retryFailed: async (options, context) => (await opening).retryFailed(jobOptions(options, context)),
  reembed: async (options, context) => (await opening).reembed(jobOptions(options, context)),
  watch: async (watchId) => {
    const stop = (await opening).watch((event) => server.emit({ watchId, event } satisfies WatchMessage));
    watchers.set(watchId, stop);
    await stop;
    return null;
  },
  unwatch: async (watchId) => {
    const stop = watchers.get(watchId);
    watchers.delete(watchId);
    if (stop) await (await stop)();
    return null;
  },
  close: async () => {
    closing.abort();
    for (const stop of watchers.values()) await (await stop)().catch(() => undefined);
    watchers.clear();
    await (await opening).close();
    return null;
  },
});
