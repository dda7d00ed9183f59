import type { Database, Statement } from 'better-sqlite3';
import { matchExpression } from './ftsQuery.js';
import { textWritesName } from './namedTerms.js';

/**
 * Passages read at most to tell whether a name's word is written in the
 * library: a few milliseconds. A term in more passages is taken as written
 * (reading a sample could miss the few that write the name, and a wrong
 * "absent" would make an answerable question "not found").
 */
export const MAX_PASSAGES_READ = 200;
/**
 * Named words checked as written per question; the rest count as present when
 * their terms are (as before this check). A question is a sentence or two, but
 * a pasted Chinese paragraph can carry dozens of Latin words, every one a name
 * there: this bounds its cost (~2 ms per name in the worst case) at ~16 ms.
 */
export const MAX_NAMES_CHECKED = 8;

/**
 * Whether the library writes a name's word, not only a word that indexes the
 * same: FTS5 holds stems, and "AD" (Active Directory) and "added" both index as
 * "ad". Reads the passages that hold the term and looks for the word as written.
 */
export class NameInPassages {
  private readonly passages: Statement;

  constructor(
    db: Database,
    private readonly maxPassagesRead = MAX_PASSAGES_READ,
    private readonly maxNamesChecked = MAX_NAMES_CHECKED,
  ) {
    this.passages = db.prepare(
      `SELECT c.text, c.heading_path, d.title FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE c.id IN (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)`,
    );
  }

  /**
   * One search's check (absentNames' `written`): `written` for the first
   * maxNamesChecked names' words asked, no verdict (null) after that.
   * `documentFrequency`: the terms' passage counts, as the search read them.
   */
  forOneSearch(
    documentFrequency: (term: string) => number,
  ): (term: string, surface: string) => boolean | null {
    let checked = 0;
    return (term, surface) =>
      checked++ < this.maxNamesChecked ? this.written(term, surface, documentFrequency(term)) : null;
  }

  /**
   * True when a passage holding `term` writes `surface` (or its plural), false when none
   * does, null when there are too many to read. `df`: the term's passage count, as the
   * search already read it. `exact`: that word and no other form (textWritesName), looked
   * for in the first maxPassagesRead passages however many hold the term (never null).
   */
  written(term: string, surface: string, df: number, exact = false): boolean | null {
    if (df === 0) return false;
    // A correction's word is looked for in the first passages only: a word written nowhere among
    // 200 passages that hold its stem is no word of the library worth searching instead.
    if (df > this.maxPassagesRead && !exact) return null;
    const expr = matchExpression([term]);
    if (!expr) return null;
    const rows = this.passages.all(expr, this.maxPassagesRead) as {
      text: string;
      heading_path: string;
      title: string | null;
    }[];
    for (const r of rows) {
      for (const piece of [r.text, r.heading_path, r.title ?? ''])
        if (piece && textWritesName(piece, surface, exact)) return true;
    }
    return false;
  }
}
