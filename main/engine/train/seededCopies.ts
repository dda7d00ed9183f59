import { Rng } from './rng.js';

/**
 * One altered copy for a seeded share (`fraction`) of the items, the items
 * themselves untouched; `alter` returns null when its copy would be no
 * different (it is then left out). The same seed draws the same items and the
 * same alterations, so a training run is reproducible.
 */
export function seededCopies<T>(
  items: readonly T[],
  fraction: number,
  seed: number,
  alter: (item: T, rng: Rng) => T | null,
): T[] {
  const rng = new Rng(seed);
  const out: T[] = [];
  for (const item of items) {
    if (rng.next() >= fraction) continue;
    const copy = alter(item, rng);
    if (copy !== null) out.push(copy);
  }
  return out;
}
