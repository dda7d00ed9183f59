import type {
  IngestOptions,
  IngestProgress,
  IngestSummary,
  LibraryEngine,
  LibraryOpenOptions,
  WatchEvent,
} from '../engine/library/types.js';
import type { ReembedProgress } from './appEngine.js';

/** Engine methods that are plain request/response over the worker boundary. */
export type PlainEngineMethod = Exclude<keyof LibraryEngine, 'watch' | 'close' | 'ingest' | 'retryFailed'>;

export interface EngineWorkerData {
  open: LibraryOpenOptions;
  /** For the bundled desktop app: where `<name>.worker.js` files live (setWorkerDirectory). */
  workerDir: string | null;
  /** For the packaged desktop app: process.resourcesPath, where model packs live. */
  resourcesDir: string | null;
  /** Electron-ABI better-sqlite3 addon for the desktop app; null = the default (Node-ABI) one. */
  sqliteBinding: string | null;
}

/** Options of a progress job as they cross: the signal and the progress callback travel as messages. */
type JobOptions = Omit<IngestOptions, 'signal' | 'onProgress'>;

/** What engine.worker.ts serves. */
export type EngineMethods = {
  /** Answers once the library is open, or fails with why it could not be opened. */
  ready: { params: undefined; result: null };
  call: { params: { method: PlainEngineMethod; args: unknown[] }; result: unknown };
  // Long jobs that report progress; `reembed` is the Library's, beyond LibraryEngine (see appEngine.ts).
  ingest: { params: JobOptions; result: IngestSummary; progress: IngestProgress };
  retryFailed: { params: JobOptions; result: IngestSummary; progress: IngestProgress };
  reembed: { params: object; result: ReembedProgress; progress: ReembedProgress };
  /** Starts watching; its events come as WatchMessage events under the caller's watchId. */
  watch: { params: number; result: null };
  unwatch: { params: number; result: null };
  close: { params: undefined; result: null };
};

export interface WatchMessage {
  watchId: number;
  event: WatchEvent;
}
