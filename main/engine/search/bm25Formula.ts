/**
 * FTS5's bm25() (fts5_aux.c), term by term: k1 = 1.2, b = 0.75, one weight for
 * every column. Written once so that each place that scores outside FTS5 gives
 * its scores, in the same floating-point steps.
 */
export const K1 = 1.2;
export const B = 0.75;

/** A term's IDF over `rows` rows, `hits` of which hold it (FTS5 floors it at 1e-6). */
export function bm25Idf(rows: number, hits: number): number {
  const idf = Math.log((rows - hits + 0.5) / (hits + 0.5));
  return idf <= 0 ? 1e-6 : idf;
}

/** One term's share of a row's score: `f` occurrences in a row of `length` tokens. */
export function bm25TermScore(idf: number, f: number, length: number, avgdl: number): number {
  return idf * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * length) / avgdl)));
}
