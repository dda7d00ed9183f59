import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../engine/workers/spawnWorker.js';
import type {
  FolderInfo,
  IngestOptions,
  IngestProgress,
  IngestSummary,
  LibraryEngine,
  LibraryOpenOptions,
  SearchMode,
  WatchEvent,
} from '../engine/library/types.js';
import type { AppEngine, ReembedProgress } from './appEngine.js';
import {
  deserializeError,
  type EngineWorkerData,
  type FromWorker,
  type PlainEngineMethod,
  type ProgressEngineMethod,
  type ToWorker,
} from './engineProtocol.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (p: IngestProgress | ReembedProgress) => void;
  onWatch?: (e: WatchEvent) => void;
}

/**
 * `LibraryEngine` whose real implementation runs in a worker thread
 * (engine.worker.ts), so the caller's thread (Electron main, the HTTP server)
 * never blocks on SQLite or indexing. Callbacks (progress, watch events) and
 * AbortSignals are relayed as messages.
 */
export class WorkerEngine implements AppEngine {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #watchers = new Map<number, (e: WatchEvent) => void>();
  #nextId = 1;
  #dead: Error | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  static async start(
    open: LibraryOpenOptions,
    extra: Partial<Omit<EngineWorkerData, 'open'>> = {},
  ): Promise<WorkerEngine> {
    const workerData: EngineWorkerData = {
      open,
      workerDir: extra.workerDir ?? null,
      resourcesDir: extra.resourcesDir ?? null,
      sqliteBinding: extra.sqliteBinding ?? null,
    };
    const worker = spawnWorker(import.meta.url, 'engine', { workerData });
    const engine = new WorkerEngine(worker);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker): void => {
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'fatal') reject(deserializeError(m.error));
        else return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      const onExit = (code: number): void =>
        reject(new Error(`the library engine exited during start (code ${code})`));
      worker.on('message', onMessage);
      worker.once('exit', onExit);
    }).catch(async (e: unknown) => {
      await worker.terminate();
      throw e;
    });
    engine.#listen();
    return engine;
  }

  #listen(): void {
    this.#worker.on('message', (m: FromWorker) => {
      if (!('id' in m)) return;
      if (m.kind === 'watch-event') {
        (this.#watchers.get(m.id) ?? this.#pending.get(m.id)?.onWatch)?.(m.event);
        return;
      }
      const p = this.#pending.get(m.id);
      if (!p) return;
      if (m.kind === 'progress') p.onProgress?.(m.progress);
      else {
        this.#pending.delete(m.id);
        if (m.kind === 'result') p.resolve(m.value);
        else p.reject(deserializeError(m.error));
      }
    });
    const fail = (error: Error): void => {
      this.#dead ??= error;
      for (const p of this.#pending.values()) p.reject(this.#dead);
      this.#pending.clear();
    };
    this.#worker.on('error', (e) => fail(new Error(`the library engine stopped: ${e.message}`)));
    this.#worker.on('exit', (code) => fail(new Error(`the library engine stopped (exit code ${code})`)));
  }

  #send<T>(message: ToWorker, extra: Omit<Pending, 'resolve' | 'reject'> = {}): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(message.id, { resolve: resolve as (v: unknown) => void, reject, ...extra });
      this.#worker.postMessage(message);
    });
  }

  #call<T>(method: PlainEngineMethod, ...args: unknown[]): Promise<T> {
    return this.#send<T>({ kind: 'call', id: this.#nextId++, method, args });
  }

  #progressCall<T, P>(
    method: ProgressEngineMethod,
    options: { signal?: AbortSignal; onProgress?: (p: P) => void } & object = {},
  ): Promise<T> {
    const { signal, onProgress, ...plain } = options;
    signal?.throwIfAborted();
    const id = this.#nextId++;
    const onAbort = (): void => this.#worker.postMessage({ kind: 'abort', id } satisfies ToWorker);
    signal?.addEventListener('abort', onAbort, { once: true });
    return this.#send<T>(
      { kind: 'ingest', id, method, args: [plain] },
      { onProgress: onProgress as Pending['onProgress'] },
    ).finally(() => signal?.removeEventListener('abort', onAbort));
  }

  status = () => this.#call<Awaited<ReturnType<LibraryEngine['status']>>>('status');
  listFolders = () => this.#call<FolderInfo[]>('listFolders');
  addFolder = (path: string) => this.#call<FolderInfo>('addFolder', path);
  removeFolder = (folderId: number) => this.#call<void>('removeFolder', folderId);
  ingest = (options?: IngestOptions) => this.#progressCall<IngestSummary, IngestProgress>('ingest', options);
  retryFailed = (options?: Omit<IngestOptions, 'force'>) =>
    this.#progressCall<IngestSummary, IngestProgress>('retryFailed', options);
  reembed = (options?: Parameters<AppEngine['reembed']>[0]) =>
    this.#progressCall<ReembedProgress, ReembedProgress>('reembed', options);
  failedFiles = () => this.#call<Awaited<ReturnType<LibraryEngine['failedFiles']>>>('failedFiles');
  ask = (question: string, options?: { k?: number; mode?: SearchMode }) =>
    this.#call<Awaited<ReturnType<LibraryEngine['ask']>>>('ask', question, options);
  preview = (chunkId: number, contextChars?: number) =>
    this.#call<Awaited<ReturnType<LibraryEngine['preview']>>>('preview', chunkId, contextChars);
  documentPath = (documentId: number) => this.#call<string>('documentPath', documentId);
  listConversations = () =>
    this.#call<Awaited<ReturnType<LibraryEngine['listConversations']>>>('listConversations');
  conversation = (conversationId: number) =>
    this.#call<Awaited<ReturnType<LibraryEngine['conversation']>>>('conversation', conversationId);
  askInConversation = (
    conversationId: number | null,
    question: string,
    options?: { k?: number; mode?: SearchMode },
  ) =>
    this.#call<Awaited<ReturnType<LibraryEngine['askInConversation']>>>(
      'askInConversation',
      conversationId,
      question,
      options,
    );
  deleteConversation = (conversationId: number) => this.#call<void>('deleteConversation', conversationId);
  getSettings = () => this.#call<Awaited<ReturnType<LibraryEngine['getSettings']>>>('getSettings');
  updateSettings = (patch: Parameters<LibraryEngine['updateSettings']>[0]) =>
    this.#call<Awaited<ReturnType<LibraryEngine['updateSettings']>>>('updateSettings', patch);

  async watch(onEvent: (e: WatchEvent) => void): Promise<() => Promise<void>> {
    const id = this.#nextId++;
    // Events keep arriving under the watch call's id after its reply (which means "watching").
    await this.#send<void>({ kind: 'watch', id }, { onWatch: onEvent });
    this.#watchers.set(id, onEvent);
    return async () => {
      this.#watchers.delete(id);
      await this.#send<void>({ kind: 'unwatch', id: this.#nextId++, watchId: id });
    };
  }

  /** Closes the library in the worker, then ends the thread. */
  async close(): Promise<void> {
    if (!this.#dead) await this.#send({ kind: 'close', id: this.#nextId++ }).catch(() => undefined);
    this.#dead ??= new Error('the library is closed');
    await this.#worker.terminate();
  }
}
