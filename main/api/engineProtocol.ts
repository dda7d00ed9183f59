import { UserError } from '../engine/errors.js';
import type {
  IngestProgress,
  LibraryEngine,
  LibraryOpenOptions,
  WatchEvent,
} from '../engine/library/types.js';
import type { ReembedProgress } from './appEngine.js';

/** Engine methods that are plain request/response over the worker boundary. */
export type PlainEngineMethod = Exclude<keyof LibraryEngine, 'watch' | 'close' | 'ingest' | 'retryFailed'>;
/** Long jobs that report progress; `reembed` is the Library's, beyond LibraryEngine (see appEngine.ts). */
export type ProgressEngineMethod = 'ingest' | 'retryFailed' | 'reembed';

export interface EngineWorkerData {
  open: LibraryOpenOptions;
  /** For the bundled desktop app: where `<name>.worker.js` files live (setWorkerDirectory). */
  workerDir: string | null;
  /** For the packaged desktop app: process.resourcesPath, where model packs live. */
  resourcesDir: string | null;
  /** Electron-ABI better-sqlite3 addon for the desktop app; null = the default (Node-ABI) one. */
  sqliteBinding: string | null;
}

export interface SerializedError {
  name: string;
  message: string;
  subject?: string;
  stack?: string;
}

export type ToWorker =
  | { kind: 'call'; id: number; method: PlainEngineMethod; args: unknown[] }
  | { kind: 'ingest'; id: number; method: ProgressEngineMethod; args: unknown[] }
  | { kind: 'abort'; id: number }
  | { kind: 'watch'; id: number }
  | { kind: 'unwatch'; id: number; watchId: number }
  | { kind: 'close'; id: number };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'fatal'; error: SerializedError }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: SerializedError }
  | { kind: 'progress'; id: number; progress: IngestProgress | ReembedProgress }
  | { kind: 'watch-event'; id: number; event: WatchEvent };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const subject = (e as { subject?: unknown }).subject;
    return {
      name: e.name,
      message: e.message,
      ...(typeof subject === 'string' ? { subject } : {}),
      ...(e.stack ? { stack: e.stack } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}

/** UserError stays a UserError across the boundary, so front ends keep showing it as one line. */
export function deserializeError(s: SerializedError): Error {
  const error = s.name === 'UserError' ? new UserError(s.message, s.subject) : new Error(s.message);
  if (s.stack) error.stack = s.stack;
  return error;
}
