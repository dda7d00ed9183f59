import SqliteDatabase, { type Database, type Statement } from 'better-sqlite3';
import { bm25Idf, bm25TermScore } from './bm25Formula.js';
import { eachVarint, FtsTotals } from '../store/ftsTotals.js';

/**
 * Row lengths read per slice while the cache fills: ~2 ms at a time, so a search resuming
 * from an await waits little; larger slices left more garbage at once (65 MB more resident
 * at 20,000 rows of blobs).
 */
const LOAD_SLICE_ROWS = 2_000;

/**
 * FTS5's bm25() of an OR query, computed from the terms' postings and the rows'
 * lengths held in memory: the same formula, constants and summation order, so
 * the same scores. FTS5 itself looks up each matching row's length in its
 * docsize table and gathers every phrase's positions for it, which at 100k
 * passages made the translated query of a Chinese question (~20 terms, ~3,000
 * matching passages) cost 4–6 ms; from the postings it costs about half.
 *
 * Only for terms with short posting lists (the caller's choice): the postings
 * come back one row per occurrence.
 *
 * The lengths (a few bytes a passage) load in slices between searches from the
 * second time they are wanted; until they are complete `top` answers null and
 * the caller asks FTS5, which gives the same result. Passage ids only grow
 * (AUTOINCREMENT), so passages added later are read by id; a rebuilt index
 * (new `fts_version`) is read again whole.
 */
export class PostingsBm25 {
  private statements: {
    postings: Statement;
    lengthsFrom: Statement;
    lastId: Statement;
    totals: FtsTotals;
    ftsVersion: Statement;
  } | null = null;
  private lengths = new Uint32Array(0);
  private scores = new Float64Array(0);
  private counts = new Uint32Array(0);
  /** Rows of the docsize table read, by id: every id ≤ this one is in `lengths`. */
  private readThrough = 0;
  private loadedVersion: unknown = null;
  private state: 'idle' | 'wanted' | 'loading' | 'ready' | 'unavailable' = 'idle';

  constructor(
    private readonly db: Database,
    private readonly sliceRows = LOAD_SLICE_ROWS,
  ) {}

  /**
   * The top `k` rows for `terms` (each term once per time it is listed, like a
   * phrase named twice in FTS5), scores positive; null while the lengths are not
   * all in memory (the second call starts reading them).
   */
  top(terms: readonly string[], k: number, df: ReadonlyMap<string, number>): Map<number, number> | null {
    if (!this.current()) return null;
    const { postings } = this.statements!;
    const { rows, avgdl } = this.statements!.totals.averages();
    // Scratch arrays indexed by passage id (as long as the lengths), zeroed again after use:
    // a search touches a few thousand of 100k entries, and Maps cost several times more.
    if (this.scores.length < this.lengths.length) {
      this.scores = new Float64Array(this.lengths.length);
      this.counts = new Uint32Array(this.lengths.length);
    }
    const { scores, counts, lengths } = this;
    const touched: number[] = [];
    const frequencies = new Map<string, { ids: number[]; f: number[] }>();
    try {
      // Phrase by phrase, in query order, as FTS5 sums them.
      for (const term of terms) {
        let tf = frequencies.get(term);
        if (!tf) {
          tf = { ids: [], f: [] };
          frequencies.set(term, tf); // before any return, so that `finally` clears its counts
          for (const id of postings.all(term) as number[]) {
            // Added by another connection since the lengths were read: FTS5 answers this one.
            if (id > this.readThrough) return null;
            if (counts[id]++ === 0) tf.ids.push(id);
          }
          for (const id of tf.ids) {
            tf.f.push(counts[id]);
            counts[id] = 0;
          }
        }
        const idf = bm25Idf(rows, df.get(term) ?? 0);
        for (let i = 0; i < tf.ids.length; i++) {
          const id = tf.ids[i];
          // Every term's share is positive, so 0 means not scored yet.
          if (scores[id] === 0) touched.push(id);
          scores[id] += bm25TermScore(idf, tf.f[i], lengths[id], avgdl);
        }
      }
      touched.sort((a, b) => scores[b] - scores[a] || a - b);
      return new Map(touched.slice(0, k).map((id) => [id, scores[id]]));
    } catch (e) {
      // The index (or this connection's vocabulary table) changed in a way its statements
      // cannot read: FTS5 answers this search, and later ones prepare them and read the
      // lengths again.
      if (!(e instanceof SqliteDatabase.SqliteError)) throw e;
      this.statements = null;
      this.reset();
      return null;
    } finally {
      for (const id of touched) scores[id] = 0;
      for (const tf of frequencies.values()) for (const id of tf.ids) counts[id] = 0;
    }
  }

  /** Whether the lengths are complete and current, reading what was added since; starts the load. */
  private current(): boolean {
    if (this.state === 'unavailable') return false;
    if (!this.statements) {
      try {
        this.statements = this.prepare();
      } catch {
        this.state = 'unavailable';
        return false;
      }
    }
    // Loaded from the second large search on: a command that asks one question would only
    // pay for reading them (and FTS5 gives it the same results).
    if (this.state === 'idle') {
      this.state = 'wanted';
      return false;
    }
    if (this.state === 'wanted') {
      this.startLoading();
      return false;
    }
    if (this.state !== 'ready') return false;
    const { ftsVersion, lastId } = this.statements;
    if (ftsVersion.get() !== this.loadedVersion) {
      this.reset();
      this.startLoading();
      return false;
    }
    const last = (lastId.get() as number | null) ?? 0;
    while (this.readThrough < last && this.readSlice() > 0);
    return true;
  }

  private startLoading(): void {
    this.state = 'loading';
    this.loadedVersion = this.statements!.ftsVersion.get();
    const step = () => {
      if (this.state !== 'loading') return;
      try {
        if (this.readSlice() < this.sliceRows) this.state = 'ready';
        else setImmediate(step);
      } catch {
        // A closed connection, or an index being rebuilt: FTS5 answers from then on.
        this.state = 'unavailable';
      }
    };
    // Closing the connection ends it (the next slice fails), so a one-question command does not wait.
    setImmediate(step);
  }

  /** Reads the next slice of row lengths; returns how many rows it read. */
  private readSlice(): number {
    // As hex text: a string a row costs less than a Buffer a row (half the garbage, and faster).
    const rows = this.statements!.lengthsFrom.all(this.readThrough, this.sliceRows) as [number, string][];
    if (!rows.length) return 0;
    const last = rows[rows.length - 1][0];
    if (last >= this.lengths.length) {
      const grown = new Uint32Array(Math.max(last + 1, Math.ceil(this.lengths.length * 1.5)));
      grown.set(this.lengths);
      this.lengths = grown;
    }
    for (const [id, hex] of rows) this.lengths[id] = sumOfHexVarints(hex);
    this.readThrough = last;
    return rows.length;
  }

  private reset(): void {
    this.lengths = new Uint32Array(0);
    this.readThrough = 0;
    this.state = 'idle';
  }

  private prepare(): NonNullable<PostingsBm25['statements']> {
    // A vocabulary table in the connection's own (temp) schema: one row per occurrence.
    this.db.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_fts_instance USING fts5vocab(main, chunks_fts, 'instance')",
    );
    return {
      postings: this.db.prepare('SELECT doc FROM temp.chunks_fts_instance WHERE term = ?').pluck(),
      lengthsFrom: this.db
        .prepare('SELECT id, hex(sz) FROM chunks_fts_docsize WHERE id > ? ORDER BY id LIMIT ?')
        .raw(),
      lastId: this.db.prepare('SELECT MAX(id) FROM chunks_fts_docsize').pluck(),
      totals: new FtsTotals(this.db),
      ftsVersion: this.db.prepare("SELECT value FROM meta WHERE key = 'fts_version'").pluck(),
    };
  }
}

/** A docsize record's column lengths, summed: the row's tokens in every column. */
function sumOfHexVarints(hex: string): number {
  let sum = 0;
  eachVarint(
    hex.length / 2,
    (i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16),
    (v) => (sum += v),
  );
  return sum;
}
