/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so test weights are the same every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A rows × dim float32 table of small random values. */
export function randomTable(rows: number, dim: number, random: () => number): Float32Array {
  return Float32Array.from({ length: rows * dim }, () => (random() - 0.5) * 0.2);
}
