import { describeError } from '../engine/errors.js';
import type { DownloadProgress } from '../engine/models/index.js';
import { RpcClient } from '../engine/workers/rpc.js';
import { spawnWorker } from '../engine/workers/spawnWorker.js';
import { apiErrorReason } from './apiErrors.js';
import type { ApiEvent, PackDownloadState, PackListing } from './contract.js';

export type PackTask =
  | { kind: 'download'; id: string; precision?: 'fp32' | 'fp16' | 'int8' }
  | { kind: 'import'; folder: string; name?: string };

/** What packTasks.worker.ts serves. */
export type PackTaskMethods = {
  run: { params: PackTask; result: PackListing; progress: DownloadProgress };
};

/** Runs one pack task in its own worker thread; resolves with the installed pack. */
function runPackTask(
  task: PackTask,
  onProgress?: (p: DownloadProgress) => void,
  signal?: AbortSignal,
): Promise<PackListing> {
  const worker = new RpcClient<PackTaskMethods>(spawnWorker(import.meta.url, 'packTasks'), {
    name: 'model task',
  });
  return worker.call('run', task, { signal, onProgress }).finally(() => void worker.close());
}

const PROGRESS_INTERVAL_MS = 250;

/** Model packs for Settings: one background download at a time (with progress events), imports on request. */
export class PackTasks {
  #state: PackDownloadState = {
    running: false,
    id: null,
    progress: null,
    lastError: null,
    lastErrorReason: null,
    lastInstalled: null,
  };
  #controller: AbortController | null = null;

  constructor(private readonly emit: (event: ApiEvent) => void) {}

  state(): PackDownloadState {
    return this.#state;
  }

  download(id: string, precision?: 'fp32' | 'fp16' | 'int8'): PackDownloadState {
    if (this.#state.running) return this.#state;
    const controller = new AbortController();
    this.#controller = controller;
    this.#set({
      running: true,
      id,
      progress: null,
      lastError: null,
      lastErrorReason: null,
      lastInstalled: null,
    });
    let last = 0;
    const onProgress = (p: DownloadProgress): void => {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS && p.bytesDone < p.bytesTotal) return;
      last = now;
      const { file, bytesDone, bytesTotal, bytesPerSecond, etaSeconds } = p;
      this.#set({ ...this.#state, progress: { file, bytesDone, bytesTotal, bytesPerSecond, etaSeconds } });
    };
    runPackTask(
      { kind: 'download', id, ...(precision ? { precision } : {}) },
      onProgress,
      controller.signal,
    ).then(
      (pack) => this.#set({ ...this.#state, running: false, lastInstalled: pack }),
      (e: unknown) => {
        const lastError = describeError(e);
        this.#set({ ...this.#state, running: false, lastError, lastErrorReason: apiErrorReason(lastError) });
      },
    );
    return this.#state;
  }

  cancel(): PackDownloadState {
    this.#controller?.abort();
    return this.#state;
  }

  import(folder: string, name?: string): Promise<PackListing> {
    return runPackTask({ kind: 'import', folder, ...(name ? { name } : {}) });
  }

  #set(state: PackDownloadState): void {
    this.#state = state;
    this.emit({ type: 'pack-download', state });
  }
}
