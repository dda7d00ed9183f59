import type { TermStats } from './bm25.js';

/** BM25's IDF as FTS5 computes it (floored at a small positive value). Absent terms get the largest IDF. */
export function idf(term: string, stats: TermStats): number {
  const n = stats.df.get(term) ?? 0;
  const N = Math.max(stats.chunks, 1);
  return Math.max(Math.log((N - n + 0.5) / (n + 0.5)), 1e-6);
}
