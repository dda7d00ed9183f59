import { describeError } from '../engine/errors.js';
import { apiErrorReason } from './apiErrors.js';
import type { ApiEvent, ReembedState } from './contract.js';
import type { AppEngine, ReembedProgress } from './appEngine.js';

const PROGRESS_INTERVAL_MS = 200;

/**
 * Follows the Library's background re-embedding (started by a pack change)
 * so the UI can show its progress; starting it again joins the running job,
 * and after a restart it resumes where it stopped.
 */
export class ReembedRunner {
  #state: ReembedState = { running: false, progress: null, lastError: null, lastErrorReason: null };

  constructor(
    private readonly engine: AppEngine,
    private readonly emit: (event: ApiEvent) => void,
  ) {}

  state(): ReembedState {
    return this.#state;
  }

  start(): ReembedState {
    if (this.#state.running) return this.#state;
    this.#state = { running: true, progress: null, lastError: null, lastErrorReason: null };
    let last = 0;
    const onProgress = (progress: ReembedProgress): void => {
      this.#state = { ...this.#state, progress };
      const now = Date.now();
      if (now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        this.emit({ type: 'reembed', state: this.#state });
      }
    };
    this.emit({ type: 'reembed', state: this.#state });
    this.engine.reembed({ onProgress }).then(
      (progress) => this.#finish({ running: false, progress, lastError: null, lastErrorReason: null }),
      (e: unknown) => {
        const lastError = describeError(e);
        this.#finish({
          running: false,
          progress: this.#state.progress,
          lastError,
          lastErrorReason: apiErrorReason(lastError),
        });
      },
    );
    return this.#state;
  }

  #finish(state: ReembedState): void {
    this.#state = state;
    this.emit({ type: 'reembed', state });
    this.emit({ type: 'library-changed', reason: 'reembed' });
  }
}
