import type { Database } from 'better-sqlite3';
import { indexColumns } from '../text/analyzer.js';
import { storedPassageText } from '../text/passageText.js';
import { FtsTotals } from './ftsTotals.js';

/**
 * The FTS5 index over chunks: contentless (the text lives in `chunks`), rowid =
 * chunk id, two columns holding our analyzer's output (see text/analyzer.ts): `body`
 * (words and CJK bigrams) and `chars` (CJK characters). unicode61 only splits
 * them at our spaces. The
 * tokenizer and analyzer are versioned together: when either changes, the index
 * is rebuilt from the stored chunks on open.
 */
export const FTS_TOKENIZE = 'unicode61 remove_diacritics 2';
export const FTS_VERSION = `analyzer-2;${FTS_TOKENIZE}`;

/** What a front end says while a library's full-text index is rebuilt on open. */
export function ftsRebuildNotice(dbPath: string, passages: number): string {
  return `updating the search index of ${dbPath} for this version of DocQA (${passages} passages, once)`;
}

/**
 * Makes the FTS table current. `onRebuild` hears of a rebuild of a library that
 * holds passages before it starts (seconds at 100k passages: a front end says why it waits).
 */
export function ensureFtsTable(db: Database, onRebuild?: (passages: number) => void): void {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'fts_version'`).get() as
    { value: string } | undefined;
  if (row?.value === FTS_VERSION) return;
  if (onRebuild) {
    const passages = db.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number;
    if (passages) onRebuild(passages);
  }
  db.transaction(() => {
    db.exec(`DROP TABLE IF EXISTS chunks_fts_vocab; DROP TABLE IF EXISTS chunks_fts;`);
    db.exec(
      `CREATE VIRTUAL TABLE chunks_fts USING fts5(body, chars, content='', contentless_delete=1, tokenize='${FTS_TOKENIZE}');
       CREATE VIRTUAL TABLE chunks_fts_vocab USING fts5vocab(chunks_fts, 'row');`,
    );
    rebuildFts(db);
    db.prepare(
      `INSERT INTO meta(key, value) VALUES ('fts_version', ?)
                ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    ).run(FTS_VERSION);
  }).immediate();
}

/**
 * How far FTS5's row count may run ahead of the passages before the index is rebuilt. A
 * contentless index never takes a removed row off its totals, so every re-written document
 * adds its old passages to the count and token total its bm25() divides by. The manuals-dev
 * library with its passages rewritten twice (FTS5 counting three times the passages) answered
 * differently: en hit@1 0.455 → 0.545, zh 0.545 → 0.500, zh2en hit@10 0.750 → 0.625, rightly
 * "not found" 7 → 6 of 8. Rebuilding costs ~60 µs a passage (6 s at 100k), so it waits for
 * a quarter more.
 */
export const FTS_DRIFT_ALLOWED = 0.25;

/** Whether FTS5 counts more removed passages than FTS_DRIFT_ALLOWED allows. */
export function ftsHasDrifted(db: Database): boolean {
  const live = db.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number;
  return new FtsTotals(db).read().rows > live * (1 + FTS_DRIFT_ALLOWED);
}

/**
 * Rebuilds the full-text index from the stored passages, in one transaction: its totals
 * count the passages the library holds again, and BM25 scores as in a library indexed anew.
 */
export function compactFts(db: Database): void {
  db.transaction(() => {
    db.prepare("INSERT INTO chunks_fts(chunks_fts) VALUES('delete-all')").run();
    rebuildFts(db);
  }).immediate();
}

function rebuildFts(db: Database): void {
  const insert = db.prepare('INSERT INTO chunks_fts(rowid, body, chars) VALUES (?, ?, ?)');
  // Pages by id: a statement being iterated would keep the connection busy for the inserts.
  const page = db.prepare(
    `SELECT c.id, c.heading_path, c.text, d.title FROM chunks c JOIN documents d ON d.id = c.document_id
     WHERE c.id > ? ORDER BY c.id LIMIT 1000`,
  );
  for (let after = 0; ;) {
    const rows = page.all(after) as {
      id: number;
      heading_path: string;
      text: string;
      title: string | null;
    }[];
    if (!rows.length) break;
    for (const r of rows) {
      const { body, chars } = indexColumns(storedPassageText(r));
      insert.run(r.id, body, chars);
    }
    after = rows[rows.length - 1].id;
  }
}
