import type { Database, Statement } from 'better-sqlite3';
import { matchExpression } from './ftsQuery.js';

export interface TermStats {
  /** Chunks in the index. */
  chunks: number;
  /** Chunks containing each term (0 when absent). */
  df: Map<string, number>;
}

/**
 * BM25 over the FTS5 index (FTS5's bm25(): k1 = 1.2, b = 0.75). Scores are
 * returned positive, larger = better.
 */
export class Bm25Channel {
  private readonly dfStatement: Statement;
  private readonly countStatement: Statement;

  constructor(private readonly db: Database) {
    this.dfStatement = db.prepare('SELECT doc FROM chunks_fts_vocab WHERE term = ?').pluck();
    this.countStatement = db.prepare('SELECT COUNT(*) FROM chunks').pluck();
  }

  termStats(terms: readonly string[]): TermStats {
    const df = new Map<string, number>();
    for (const t of terms) df.set(t, (this.dfStatement.get(t) as number | undefined) ?? 0);
    return { chunks: this.countStatement.get() as number, df };
  }

  /**
   * Terms worth sending to FTS5: present in the index and in at most half of the
   * chunks. FTS5 clamps the IDF of a term in more than half of the rows to ~0,
   * so dropping those changes no score; it only skips their long posting lists.
   */
  static usefulTerms(terms: readonly string[], stats: TermStats): string[] {
    return terms.filter((t) => {
      const df = stats.df.get(t) ?? 0;
      return df > 0 && df <= stats.chunks / 2;
    });
  }

  top(terms: readonly string[], k: number): Map<number, number> {
    const expr = matchExpression(terms);
    const out = new Map<number, number>();
    if (!expr) return out;
    const rows = this.db
      .prepare('SELECT rowid AS id, -bm25(chunks_fts) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?')
      .all(expr, k) as { id: number; score: number }[];
    for (const r of rows) out.set(r.id, r.score);
    return out;
  }
}
