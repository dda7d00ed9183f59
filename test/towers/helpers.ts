import { Rng } from '../../main/engine/train/rng.js';

/** Deterministic pseudo-random numbers in [0, 1), so test weights are the same every run. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** A rows × dim float32 table of small random values. */
export function randomTable(rows: number, dim: number, random: () => number): Float32Array {
  return Float32Array.from({ length: rows * dim }, () => (random() - 0.5) * 0.2);
}
