import { RpcClient } from '../engine/workers/rpc.js';
import { spawnWorker } from '../engine/workers/spawnWorker.js';
import type {
  FolderInfo,
  IngestOptions,
  LibraryEngine,
  LibraryOpenOptions,
  SearchMode,
  WatchEvent,
} from '../engine/library/types.js';
import type { AppEngine } from './appEngine.js';
import type { EngineMethods, EngineWorkerData, PlainEngineMethod, WatchMessage } from './engineProtocol.js';

/**
 * `LibraryEngine` whose real implementation runs in a worker thread
 * (engine.worker.ts), so the caller's thread (Electron main, the HTTP server)
 * never blocks on SQLite or indexing. Callbacks (progress, watch events) and
 * AbortSignals are relayed as messages.
 */
export class WorkerEngine implements AppEngine {
  readonly #worker: RpcClient<EngineMethods>;
  /** Watch callbacks by watch id (the worker's events name it). */
  readonly #watchers: Map<number, (e: WatchEvent) => void>;
  #nextWatchId = 1;

  private constructor(worker: RpcClient<EngineMethods>, watchers: Map<number, (e: WatchEvent) => void>) {
    this.#worker = worker;
    this.#watchers = watchers;
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
    const watchers = new Map<number, (e: WatchEvent) => void>();
    const worker = new RpcClient<EngineMethods>(spawnWorker(import.meta.url, 'engine', { workerData }), {
      name: 'library engine',
      onEvent: (m) => watchers.get((m as WatchMessage).watchId)?.((m as WatchMessage).event),
    });
    await worker.call('ready', undefined).catch(async (e: unknown) => {
      await worker.close();
      throw e;
    });
    return new WorkerEngine(worker, watchers);
  }

  #call<T>(method: PlainEngineMethod, ...args: unknown[]): Promise<T> {
    return this.#worker.call('call', { method, args }) as Promise<T>;
  }

  #progressCall<M extends 'ingest' | 'retryFailed' | 'reembed'>(
    method: M,
    options: { signal?: AbortSignal; onProgress?: (p: EngineMethods[M]['progress']) => void } & object = {},
  ): Promise<EngineMethods[M]['result']> {
    const { signal, onProgress, ...plain } = options;
    signal?.throwIfAborted();
    return this.#worker.call(method, plain, { signal, onProgress });
  }

  status = () => this.#call<Awaited<ReturnType<LibraryEngine['status']>>>('status');
  listFolders = () => this.#call<FolderInfo[]>('listFolders');
  addFolder = (path: string, options?: { ignore?: string[] }) =>
    this.#call<FolderInfo>('addFolder', path, options);
  removeFolder = (folderId: number) => this.#call<{ removalId: number }>('removeFolder', folderId);
  restoreFolder = (removalId: number) => this.#call<FolderInfo>('restoreFolder', removalId);
  ingest = (options?: IngestOptions) => this.#progressCall('ingest', options);
  retryFailed = (options?: Omit<IngestOptions, 'force'>) => this.#progressCall('retryFailed', options);
  reembed = (options?: Parameters<AppEngine['reembed']>[0]) => this.#progressCall('reembed', options);
  failedFiles = (limit?: number) =>
    this.#call<Awaited<ReturnType<LibraryEngine['failedFiles']>>>('failedFiles', limit);
  ask = (question: string, options?: Parameters<LibraryEngine['ask']>[1]) =>
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
  restoreConversation = (conversationId: number) => this.#call<void>('restoreConversation', conversationId);
  feedback = (answerId: number, rank: number, signal: Parameters<LibraryEngine['feedback']>[2]) =>
    this.#call<Awaited<ReturnType<LibraryEngine['feedback']>>>('feedback', answerId, rank, signal);
  learningState = () => this.#call<Awaited<ReturnType<LibraryEngine['learningState']>>>('learningState');
  learnNow = () => this.#call<Awaited<ReturnType<LibraryEngine['learnNow']>>>('learnNow');
  restorePreviousModel = () =>
    this.#call<Awaited<ReturnType<LibraryEngine['restorePreviousModel']>>>('restorePreviousModel');
  eraseSignals = () => this.#call<Awaited<ReturnType<LibraryEngine['eraseSignals']>>>('eraseSignals');
  exportSignals = () => this.#call<string>('exportSignals');
  getSettings = () => this.#call<Awaited<ReturnType<LibraryEngine['getSettings']>>>('getSettings');
  updateSettings = (patch: Parameters<LibraryEngine['updateSettings']>[0]) =>
    this.#call<Awaited<ReturnType<LibraryEngine['updateSettings']>>>('updateSettings', patch);

  async watch(onEvent: (e: WatchEvent) => void): Promise<() => Promise<void>> {
    const watchId = this.#nextWatchId++;
    // Registered before the call: events may come before its reply (which means "watching").
    this.#watchers.set(watchId, onEvent);
    await this.#worker.call('watch', watchId).catch((e: unknown) => {
      this.#watchers.delete(watchId);
      throw e;
    });
    return async () => {
      this.#watchers.delete(watchId);
      await this.#worker.call('unwatch', watchId);
    };
  }

  /** Closes the library in the worker, then ends the thread. */
  async close(): Promise<void> {
    await this.#worker.close('close');
  }
}
