import type { ApiEvent } from './contract.js';

/** Fan-out of API events to every connected window or SSE stream. */
export class EventHub {
  readonly #listeners = new Set<(event: ApiEvent) => void>();

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ApiEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // One broken stream must not stop the others.
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }
}
