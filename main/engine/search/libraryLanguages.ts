import type { Database, Statement } from 'better-sqlite3';
import { textLanguage, type TextLanguage } from './textLanguage.js';

/** Passages read (their first characters) to estimate the library's languages: a share to within a few points. */
const SAMPLE = 300;
/** Estimated again when the library has grown or shrunk by this share, or after this long. */
const REREAD_CHANGE = 0.01;
const REREAD_MS = 5 * 60_000;
/** The golden ratio's fractional part: i × GOLDEN mod 1 spreads evenly over [0, 1). */
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Which languages a library's passages are written in, as shares, from an
 * evenly spread sample of the passages (by id: folders added at different
 * times are all in it). Reading the sample costs about a millisecond at 100k
 * passages, once per change of the library's size by 1% (or every few minutes).
 */
export class LibraryLanguages {
  private readonly range: Statement;
  private readonly texts: Statement;
  private cached: { chunks: number; zh: number; at: number } | null = null;

  constructor(db: Database) {
    // Two queries: SQLite answers MIN or MAX alone from the key's ends, both in one by a full scan.
    this.range = db.prepare('SELECT (SELECT MIN(id) FROM chunks) AS lo, (SELECT MAX(id) FROM chunks) AS hi');
    this.texts = db
      .prepare('SELECT substr(text, 1, 300) FROM chunks WHERE id IN (SELECT value FROM json_each(?))')
      .pluck();
  }

  /** The share (0..1) of the passages in `language`; `chunks` is the library's passage count now. */
  share(language: TextLanguage, chunks: number): number {
    const now = Date.now();
    const c = this.cached;
    if (!c || Math.abs(chunks - c.chunks) > c.chunks * REREAD_CHANGE || now - c.at > REREAD_MS)
      this.cached = { chunks, zh: this.chineseShare(), at: now };
    const zh = this.cached!.zh;
    return language === 'zh' ? zh : 1 - zh;
  }

  private chineseShare(): number {
    const { lo, hi } = this.range.get() as { lo: number | null; hi: number | null };
    if (lo === null || hi === null) return 0;
    const ids: number[] = [];
    const span = hi - lo + 1;
    if (span <= SAMPLE) for (let id = lo; id <= hi; id++) ids.push(id);
    // A low-discrepancy sequence, not a stride: a stride could fall in step with a library whose
    // languages alternate regularly (every fifth passage a translation).
    else for (let i = 0; i < SAMPLE; i++) ids.push(lo + Math.floor(((i * GOLDEN) % 1) * span));
    const texts = this.texts.all(JSON.stringify(ids)) as string[];
    if (!texts.length) return 0;
    return texts.filter((t) => textLanguage(t) === 'zh').length / texts.length;
  }
}
