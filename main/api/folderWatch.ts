import { describeError } from '../engine/errors.js';
import type { LibraryEngine } from '../engine/library/types.js';
import type { EventHub } from './eventHub.js';

/**
 * Keeps the engine watching the library's folders while the app or web mode
 * runs. `LibraryEngine.watch` covers the folders that exist when it is
 * called, so watching restarts whenever a folder is added or removed.
 * Watch events are relayed to the UI; a finished re-index refreshes it.
 */
export class FolderWatch {
  #stop: (() => Promise<void>) | null = null;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly engine: LibraryEngine,
    private readonly events: EventHub,
  ) {
    this.#unsubscribe = events.subscribe((e) => {
      if (e.type === 'library-changed' && (e.reason === 'folder-added' || e.reason === 'folder-removed'))
        this.restart();
    });
  }

  /**
   * Starts watching, then catches up with what changed while DocQA was closed (files
   * edited, added or deleted, a run that was killed, files an older reader read): one
   * indexing run over every folder through the app's runner, so the UI shows its
   * progress. Unchanged files are skipped by size and time, so this costs a scan.
   */
  async open(ingest: { start(): unknown }): Promise<void> {
    await this.restart();
    if (!this.#closed && (await this.engine.listFolders()).length) ingest.start();
  }

  /** (Re)starts watching; calls are serialised. */
  restart(): Promise<void> {
    this.#chain = this.#chain
      .then(() => this.#restart())
      .catch((e: unknown) => {
        this.events.emit({ type: 'watch', event: { type: 'error', message: describeError(e) } });
      });
    return this.#chain;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    await this.#chain;
    await this.#stop?.();
    this.#stop = null;
  }

  async #restart(): Promise<void> {
    await this.#stop?.();
    this.#stop = null;
    if (this.#closed || (await this.engine.listFolders()).length === 0) return;
    this.#stop = await this.engine.watch((event) => {
      this.events.emit({ type: 'watch', event });
      if (event.type === 'indexed') this.events.emit({ type: 'library-changed', reason: 'watch' });
    });
  }
}
