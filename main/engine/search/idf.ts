import type { TermStats } from './bm25.js';

/** BM25's IDF (as FTS5 computes it, floored at a small positive value). Absent terms get the largest IDF. */
export function idf(term: string, stats: TermStats): number {
  const n = stats.df.get(term) ?? 0;
  const N = Math.max(stats.chunks, 1);
  return Math.max(Math.log((N - n + 0.5) / (n + 0.5)), 1e-6);
}

/**
 * How much of the question a passage covers: the IDF-weighted share of the
 * question's terms that occur in it (0..1). Comparable across questions, unlike
 * raw BM25, which grows with question length.
 */
export function coverage(questionTerms: readonly string[], passageTerms: ReadonlySet<string>, stats: TermStats): number {
  let total = 0;
  let found = 0;
  for (const t of questionTerms) {
    const w = idf(t, stats);
    total += w;
    if (passageTerms.has(t)) found += w;
  }
  return total > 0 ? found / total : 0;
}
