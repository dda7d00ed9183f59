import type { Database, Statement } from 'better-sqlite3';
import { analyze } from '../text/analyzer.js';
import { matchExpression } from './ftsQuery.js';
import { storedPassageText } from '../text/passageText.js';
import { bm25Idf, bm25TermScore } from './bm25Formula.js';
import { PostingsBm25 } from './postingsBm25.js';
import { FtsTotals } from '../store/ftsTotals.js';

export interface TermStats {
  /** Chunks in the index. */
  chunks: number;
  /** Chunks containing each term (0 when absent). */
  df: Map<string, number>;
}

/** From this many chunks on, questions with common terms take the two-phase path (see `top`). */
export const TWO_PHASE_MIN_CHUNKS = 50_000;
/** Below this many chunks every present term is searched: posting lists are short. */
const SMALL_LIBRARY_CHUNKS = 1000;
/** Terms in more than this share of the chunks are "common". */
const COMMON_SHARE = 0.05;
/** Candidates the selective terms recall, per result wanted. */
const PHASE1_FACTOR = 2;
const DF_CACHE_MS = 5 * 60_000;
const DF_CACHE_TERMS = 100_000;

/**
 * BM25 over the FTS5 index, as FTS5's bm25() computes it (k1 = 1.2, b = 0.75,
 * one weight for both columns). Scores are returned positive, larger = better.
 */
export class Bm25Channel {
  private readonly dfStatement: Statement;
  private readonly totals: FtsTotals;
  private readonly countStatement: Statement;
  private readonly passages: Statement;
  private readonly vocabularyStatement: Statement;
  private readonly dfCache = new Map<string, number>();
  private dfCacheChunks = -1;
  private dfCacheAt = 0;
  private postings: PostingsBm25 | null = null;

  constructor(
    private readonly db: Database,
    private readonly twoPhaseMinChunks = TWO_PHASE_MIN_CHUNKS,
  ) {
    this.dfStatement = db.prepare('SELECT doc FROM chunks_fts_vocab WHERE term = ?').pluck();
    this.totals = new FtsTotals(db);
    this.countStatement = db.prepare('SELECT COUNT(*) FROM chunks').pluck();
    this.vocabularyStatement = db.prepare(
      'SELECT term, doc FROM chunks_fts_vocab WHERE term IN (SELECT value FROM json_each(?))',
    );
    this.passages = db.prepare(
      `SELECT c.id, c.heading_path, c.text, d.title FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE c.id IN (SELECT value FROM json_each(?))`,
    );
  }

  termStats(terms: readonly string[]): TermStats {
    const chunks = this.countStatement.get() as number;
    // fts5vocab counts a term's chunks by walking its posting list (milliseconds for
    // common terms, which are the ones every question repeats): remember them until
    // the library changes size by more than 0.5% or a few minutes have passed.
    const now = Date.now();
    if (
      Math.abs(chunks - this.dfCacheChunks) > this.dfCacheChunks * 0.005 ||
      now - this.dfCacheAt > DF_CACHE_MS ||
      this.dfCache.size > DF_CACHE_TERMS
    ) {
      this.dfCache.clear();
      this.dfCacheChunks = chunks;
      this.dfCacheAt = now;
    }
    const df = new Map<string, number>();
    for (const t of terms) {
      let n = this.dfCache.get(t);
      if (n === undefined) {
        n = (this.dfStatement.get(t) as number | undefined) ?? 0;
        this.dfCache.set(t, n);
      }
      df.set(t, n);
    }
    return { chunks, df };
  }

  /**
   * Which of many terms the index holds, with their chunk counts, in one
   * statement and outside the cache: for the hundreds of spelling variants of
   * a word (search/spelling.ts), nearly all absent, each looked up once.
   */
  presentTerms(terms: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    if (!terms.length) return out;
    for (const r of this.vocabularyStatement.all(JSON.stringify(terms)) as { term: string; doc: number }[])
      out.set(r.term, r.doc);
    return out;
  }

  /**
   * Terms worth sending to FTS5: present in the index and, on a large library,
   * in at most half of the chunks. FTS5 clamps the IDF of a term in more than
   * half of the rows to ~0, so dropping those changes no score; it only skips
   * their long posting lists. A small library keeps them (a folder of two notes
   * that both mention "lighthouse" must still find them), and so does a
   * question made only of such terms.
   */
  static usefulTerms(terms: readonly string[], stats: TermStats): string[] {
    const present = terms.filter((t) => (stats.df.get(t) ?? 0) > 0);
    if (stats.chunks < SMALL_LIBRARY_CHUNKS) return present;
    const selective = present.filter((t) => stats.df.get(t)! <= stats.chunks / 2);
    return selective.length ? selective : present;
  }

  /**
   * The top `k` chunks for `terms`. On a large library a question with common
   * terms makes FTS5 score every chunk that holds any of them (hundreds of ms
   * at 100k chunks); there the selective terms recall candidates first and
   * every candidate is then scored with all terms, exactly as FTS5 would.
   * `recallBy`: 'rarest' recalls by the two rarest terms when fewer are selective
   * (the question's own terms: its answer may hold only common words);
   * 'selective' by the selective terms only, and recalls nothing without one.
   */
  top(
    terms: readonly string[],
    k: number,
    stats?: TermStats,
    recallBy: 'rarest' | 'selective' = 'rarest',
  ): Map<number, number> {
    if (stats && stats.chunks >= this.twoPhaseMinChunks) {
      const byRarity = [...terms].sort((a, b) => (stats.df.get(a) ?? 0) - (stats.df.get(b) ?? 0));
      let selective = byRarity.filter((t) => (stats.df.get(t) ?? 0) <= stats.chunks * COMMON_SHARE);
      // A query whose candidates only join others' (the translated query) recalls by its
      // selective terms alone: common terms alone would pick k of thousands of passages by
      // their length, at the price of scoring every one of them.
      if (recallBy === 'selective' && !selective.length) return new Map();
      if (recallBy === 'rarest' && selective.length < 2) selective = byRarity.slice(0, 2);
      if (selective.length < terms.length) {
        const candidates = [...this.ranked(selective, k * PHASE1_FACTOR, stats).keys()];
        return this.rescore(terms, candidates, stats, k);
      }
      return this.ranked(terms, k, stats);
    }
    return this.fts(terms, k);
  }

  /**
   * FTS5's top `k` for `terms` on a large library: from the postings when every term is
   * selective (short posting lists; postingsBm25.ts, the same scores at about half the
   * cost), else from FTS5.
   */
  private ranked(terms: readonly string[], k: number, stats: TermStats): Map<number, number> {
    const short = terms.every((t) => {
      const n = stats.df.get(t) ?? 0;
      return n > 0 && n <= stats.chunks * COMMON_SHARE;
    });
    if (short && terms.length) {
      this.postings ??= new PostingsBm25(this.db);
      const top = this.postings.top(terms, k, stats.df);
      if (top) return top;
    }
    return this.fts(terms, k);
  }

  private fts(terms: readonly string[], k: number): Map<number, number> {
    const expr = matchExpression(terms);
    const out = new Map<number, number>();
    if (!expr) return out;
    const rows = this.db
      .prepare(
        'SELECT rowid AS id, -bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?',
      )
      .all(expr, k) as { id: number; score: number }[];
    for (const r of rows) out.set(r.id, r.score);
    return out;
  }

  /** FTS5's BM25 of specific chunks, computed from their re-analysed text. */
  rescore(
    terms: readonly string[],
    chunkIds: readonly number[],
    stats: TermStats,
    k: number,
  ): Map<number, number> {
    const { rows, avgdl } = this.lengths();
    const idf = new Map(terms.map((t) => [t, bm25Idf(rows, stats.df.get(t) ?? 0)]));
    const scored: [number, number][] = [];
    for (const r of this.passages.all(JSON.stringify(chunkIds)) as {
      id: number;
      heading_path: string;
      text: string;
      title: string | null;
    }[]) {
      const chars: string[] = [];
      const tokens = analyze(storedPassageText(r), { chars });
      const tf = new Map<string, number>();
      for (const list of [tokens, chars])
        for (const t of list) if (idf.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
      const length = tokens.length + chars.length;
      // Term by term in query order, as FTS5 sums its phrases: a term listed n times counts n times.
      let score = 0;
      for (const t of terms) {
        const f = tf.get(t);
        if (f) score += bm25TermScore(idf.get(t)!, f, length, avgdl);
      }
      if (score > 0) scored.push([r.id, score]);
    }
    scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return new Map(scored.slice(0, k));
  }

  /**
   * Row count and average row length (tokens in both columns) as FTS5's bm25() reads them:
   * from its totals record, which keeps the rows and tokens of removed passages. (Not the
   * passage count: that is COUNT(*), over a small index. Summing the vocabulary's counts
   * instead took 0.45 s at 100k passages and 2.2 s at 1M, at the first search and again
   * after every 1% of growth.)
   */
  private lengths(): { rows: number; avgdl: number } {
    return this.totals.averages();
  }
}
