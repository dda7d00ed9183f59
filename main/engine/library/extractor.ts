import type { Worker } from 'node:worker_threads';
import type { DocumentType, ExtractedDocument, InflateLimits } from '../ingest/index.js';
import { spawnWorker } from '../workers/spawnWorker.js';

export interface ExtractorOptions {
  inflate: InflateLimits;
  maxExtractedChars: number;
  /** Heap limit of the reading thread in MB; 0 = V8's default. */
  memoryMb: number;
  /** A file that takes longer is stopped (the thread is replaced) and fails. */
  timeoutMs: number;
}

export interface ExtractRequest {
  id: number;
  absPath: string;
  type: DocumentType;
  inflate: InflateLimits;
  maxExtractedChars: number;
}

export type ExtractReply =
  | { id: number; doc: ExtractedDocument }
  | { id: number; failure: string }
  /** Not an outcome: how far the reading of a PDF is (sent after each page). */
  | { id: number; pages: { done: number; total: number } };

/** The file's text, or why it could not be read (the short reason `docqa status` shows). */
export type ExtractOutcome = { doc: ExtractedDocument } | { failure: string };

interface Pending {
  id: number;
  /** The thread reading the file: only its death fails it (a thread being replaced may exit later). */
  worker: Worker;
  settle(outcome: ExtractOutcome): void;
  onPage?: (done: number, total: number) => void;
}

/**
 * Reads files for an ingest job in a thread of its own (`extract.worker.ts`),
 * one file at a time. When that thread dies — the heap limit reached on a
 * hostile or just enormous file, a crash in a parser — or a file takes longer
 * than the time bound, the file fails with the reason and the next file gets a
 * fresh thread: one file can no longer stop the run.
 */
export class Extractor {
  private worker: Worker | null = null;
  private workerMemoryMb = 0;
  private pending: Pending | null = null;
  private nextId = 1;

  private options: ExtractorOptions | null = null;

  /** The bounds for the next files (set before the first); a changed heap limit takes a new thread. */
  configure(options: ExtractorOptions): void {
    this.options = options;
    if (this.worker && this.workerMemoryMb !== options.memoryMb) void this.stop();
  }

  /** `onPage` follows a PDF's pages as they are read (pages read, pages to read). */
  async extract(
    absPath: string,
    type: DocumentType,
    signal: AbortSignal,
    onPage?: (done: number, total: number) => void,
  ): Promise<ExtractOutcome> {
    if (!this.options) throw new Error('Extractor.configure() was not called');
    if (this.pending) throw new Error('Extractor reads one file at a time');
    signal.throwIfAborted();
    const { inflate, maxExtractedChars, timeoutMs, memoryMb } = this.options;
    const worker = this.start(memoryMb);
    const id = this.nextId++;
    return new Promise<ExtractOutcome>((resolve, reject) => {
      const onAbort = (): void => {
        done();
        void this.stop();
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        done();
        void this.stop();
        resolve({
          failure: `reading this file took longer than ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}; it was stopped`,
        });
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.pending = null;
      };
      this.pending = {
        id,
        worker,
        settle: (outcome) => {
          done();
          resolve(outcome);
        },
        onPage,
      };
      signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, absPath, type, inflate, maxExtractedChars } satisfies ExtractRequest);
    });
  }

  private start(memoryMb: number): Worker {
    if (this.worker) return this.worker;
    const worker = spawnWorker(
      import.meta.url,
      'extract',
      memoryMb > 0 ? { resourceLimits: { maxOldGenerationSizeMb: memoryMb } } : {},
    );
    worker.on('message', (m: ExtractReply) => {
      if (this.pending?.id !== m.id) return;
      if ('pages' in m) this.pending.onPage?.(m.pages.done, m.pages.total);
      else this.pending.settle('doc' in m ? { doc: m.doc } : { failure: m.failure });
    });
    let death: Error | null = null;
    worker.on('error', (e) => {
      death = e;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      // Only a thread that died under its file fails it; one stopped by stop() has none.
      if (this.pending?.worker === worker) this.pending.settle({ failure: deathReason(death, code) });
    });
    this.worker = worker;
    this.workerMemoryMb = memoryMb;
    return worker;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  async close(): Promise<void> {
    await this.stop();
  }
}

function deathReason(error: Error | null, code: number): string {
  if ((error as NodeJS.ErrnoException | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return 'the extractor ran out of memory reading this file';
  if (error) return `the extractor crashed reading this file (${error.message.split('\n')[0]})`;
  return `the extractor stopped while reading this file (exit code ${code})`;
}
