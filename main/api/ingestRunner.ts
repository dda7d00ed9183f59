import { describeError } from '../engine/errors.js';
import type { IngestProgress, IngestSummary, LibraryEngine } from '../engine/library/types.js';
import { apiErrorReason } from './apiErrors.js';
import type { ApiEvent, IngestState } from './contract.js';

interface Job {
  /** null = every folder. */
  folderIds: Set<number> | null;
  force: boolean;
  retry: boolean;
}

/** Progress events reach the UI at most this often; phase changes always go out. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Runs the engine's ingest in the background for the UI: one run at a time,
 * later requests merge into one queued run, progress is rate-limited into
 * events, and the state can be read by a window that opens mid-run.
 */
export class IngestRunner {
  #running = false;
  #queue: Job[] = [];
  #controller: AbortController | null = null;
  #progress: IngestProgress | null = null;
  #lastSummary: IngestSummary | null = null;
  #lastError: string | null = null;
  #idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: LibraryEngine,
    private readonly emit: (event: ApiEvent) => void,
  ) {}

  state(): IngestState {
    return {
      running: this.#running,
      queued: this.#queue.length > 0,
      progress: this.#progress,
      lastSummary: this.#lastSummary,
      lastError: this.#lastError,
      lastErrorReason: this.#lastError === null ? null : apiErrorReason(this.#lastError),
    };
  }

  start(options: { folderIds?: number[]; force?: boolean; retry?: boolean } = {}): IngestState {
    const job: Job = {
      folderIds: options.folderIds ? new Set(options.folderIds) : null,
      force: options.force ?? false,
      retry: options.retry ?? false,
    };
    const last = this.#queue.at(-1);
    if (last && last.retry === job.retry) this.#queue[this.#queue.length - 1] = merge(last, job);
    else this.#queue.push(job);
    if (!this.#running) {
      this.#running = true;
      this.#idle = this.#drain();
    }
    return this.state();
  }

  /** Stops the current run (the engine keeps every file finished so far) and drops the queue. */
  cancel(): IngestState {
    this.#queue = [];
    this.#controller?.abort();
    return this.state();
  }

  /** Resolves when no run is active or queued. */
  whenIdle(): Promise<void> {
    return this.#idle;
  }

  async #drain(): Promise<void> {
    try {
      for (let job = this.#queue.shift(); job; job = this.#queue.shift()) await this.#run(job);
    } finally {
      this.#running = false;
      this.#controller = null;
    }
  }

  async #run(job: Job): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    this.#lastError = null;
    let lastSent = 0;
    let lastPhase: string | null = null;
    const onProgress = (p: IngestProgress): void => {
      this.#progress = p;
      const now = Date.now();
      if (p.phase !== lastPhase || now - lastSent >= PROGRESS_INTERVAL_MS) {
        lastPhase = p.phase;
        lastSent = now;
        this.emit({ type: 'ingest-progress', progress: p });
      }
    };
    try {
      const summary = job.retry
        ? await this.engine.retryFailed({ signal: controller.signal, onProgress })
        : await this.engine.ingest({
            folderIds: job.folderIds ? [...job.folderIds] : undefined,
            force: job.force,
            signal: controller.signal,
            onProgress,
          });
      this.#progress = summary;
      this.#lastSummary = summary;
      this.emit({ type: 'ingest-done', summary });
    } catch (e) {
      this.#lastError = describeError(e);
      this.emit({ type: 'ingest-failed', message: this.#lastError });
    }
    this.emit({ type: 'library-changed', reason: 'ingest' });
  }
}

/** Two queued requests of the same kind become one run covering both. */
function merge(a: Job, b: Job): Job {
  const folderIds = a.folderIds && b.folderIds ? new Set([...a.folderIds, ...b.folderIds]) : null;
  return { folderIds, force: a.force || b.force, retry: a.retry };
}
