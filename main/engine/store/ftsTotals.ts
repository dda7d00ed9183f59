import type { Database, Statement } from 'better-sqlite3';

/**
 * FTS5's own totals record (the row with id 1 of `chunks_fts_data`): the rows
 * and tokens its bm25() divides by. In a contentless index (ours) removing a
 * row leaves both as they were, so they count every row ever added since the
 * index was built: the figures to score as FTS5 does, not a passage count.
 * One small row to read, where summing the vocabulary's counts walks it all.
 */
export class FtsTotals {
  private readonly block: Statement;

  constructor(db: Database) {
    this.block = db.prepare('SELECT block FROM chunks_fts_data WHERE id = 1').pluck();
  }

  read(): { rows: number; tokens: number } {
    const block = this.block.get() as Uint8Array | undefined;
    // An index that never held a row has no record yet.
    if (!block) return { rows: 0, tokens: 0 };
    // The row count, then each column's token count.
    let rows = -1;
    let tokens = 0;
    eachVarint(
      block.length,
      (i) => block[i],
      (v) => (rows < 0 ? (rows = v) : (tokens += v)),
    );
    return { rows: Math.max(rows, 0), tokens };
  }

  /** The row count and average row length (tokens in every column) that bm25() divides by. */
  averages(): { rows: number; avgdl: number } {
    const { rows, tokens } = this.read();
    return { rows, avgdl: rows ? Math.max(tokens / rows, 1e-9) : 1 };
  }
}

/**
 * SQLite varints (big-endian, 7 bits a byte, the 9th byte whole), as FTS5 writes its
 * records, of `count` bytes read by `byteAt` (a blob, or its hex text).
 */
export function eachVarint(
  count: number,
  byteAt: (i: number) => number,
  visit: (value: number) => void,
): void {
  let value = 0;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const b = byteAt(i);
    if (n === 8) {
      visit(value * 256 + b);
      value = n = 0;
      continue;
    }
    value = value * 128 + (b & 0x7f);
    n++;
    if (!(b & 0x80)) {
      visit(value);
      value = n = 0;
    }
  }
}
