import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { SignalKind } from '../vocabulary/values.js';

/** One passage of a logged answer, named so that it can be found again after passages are re-cut. */
export interface ShownPassage {
  documentId: number;
  chunkId: number;
  start: number;
  end: number;
  textHash: string;
  /** The channel scores it was ranked with (the held-back check re-ranks shown lists from them). */
  bm25?: number;
  dense?: number;
}

export interface LoggedAnswer {
  id: number;
  question: string;
  askedAt: string;
  mode: string;
  pack: string;
  ranker: string;
  shown: ShownPassage[];
}

/** A signal with its answer, as learning and export read it. */
export interface StoredSignal {
  id: number;
  answerId: number;
  rank: number;
  kind: SignalKind;
  documentId: number;
  start: number;
  end: number;
  textHash: string;
  createdAt: string;
}

export const passageHash = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 16);

export function recordAnswer(
  db: Database,
  answer: { question: string; mode: string; pack: string; ranker: string; shown: ShownPassage[] },
): number {
  return Number(
    db
      .prepare('INSERT INTO answers(question, asked_at, mode, pack, ranker, shown) VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        answer.question,
        new Date().toISOString(),
        answer.mode,
        answer.pack,
        answer.ranker,
        JSON.stringify(answer.shown),
      ).lastInsertRowid,
  );
}

interface AnswerRow {
  id: number;
  question: string;
  asked_at: string;
  mode: string;
  pack: string;
  ranker: string;
  shown: string;
}

const toAnswer = (r: AnswerRow): LoggedAnswer => ({
  id: r.id,
  question: r.question,
  askedAt: r.asked_at,
  mode: r.mode,
  pack: r.pack,
  ranker: r.ranker,
  shown: JSON.parse(r.shown) as ShownPassage[],
});

export function loggedAnswer(db: Database, answerId: number): LoggedAnswer | null {
  const row = db.prepare('SELECT * FROM answers WHERE id = ?').get(answerId) as AnswerRow | undefined;
  return row ? toAnswer(row) : null;
}

/** The answers that have signals, by id (learning reads each signal's answer and what was shown above it). */
export function answersWithSignals(db: Database, throughSignal: number): Map<number, LoggedAnswer> {
  const rows = db
    .prepare(
      'SELECT * FROM answers WHERE id IN (SELECT DISTINCT answer_id FROM signals WHERE id <= ?) ORDER BY id',
    )
    .all(throughSignal) as AnswerRow[];
  return new Map(rows.map((r) => [r.id, toAnswer(r)]));
}

export function recordSignal(
  db: Database,
  answerId: number,
  rank: number,
  kind: SignalKind,
  passage: ShownPassage,
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO signals(answer_id, rank, kind, document_id, start, end, text_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        answerId,
        rank,
        kind,
        passage.documentId,
        passage.start,
        passage.end,
        passage.textHash,
        new Date().toISOString(),
      ).lastInsertRowid,
  );
}

interface SignalRow {
  id: number;
  answer_id: number;
  rank: number;
  kind: SignalKind;
  document_id: number;
  start: number;
  end: number;
  text_hash: string;
  created_at: string;
}

export function listSignals(db: Database, throughSignal = Number.MAX_SAFE_INTEGER): StoredSignal[] {
  return (
    db.prepare('SELECT * FROM signals WHERE id <= ? ORDER BY id').all(throughSignal) as SignalRow[]
  ).map((r) => ({
    id: r.id,
    answerId: r.answer_id,
    rank: r.rank,
    kind: r.kind,
    documentId: r.document_id,
    start: r.start,
    end: r.end,
    textHash: r.text_hash,
    createdAt: r.created_at,
  }));
}

export function signalCounts(db: Database): { signals: number; lastSignal: number; questions: number } {
  const row = db
    .prepare(
      'SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS last, COUNT(DISTINCT answer_id) AS q FROM signals',
    )
    .get() as { n: number; last: number; q: number };
  return { signals: row.n, lastSignal: row.last, questions: row.q };
}

/** Forgets every signal; learned models are the caller's. */
export function eraseSignals(db: Database): void {
  db.prepare('DELETE FROM signals').run();
  // And those kept for a removed folder's undo (store/removedFolders.ts).
  db.prepare(`UPDATE removed_folders SET carried = json_set(carried, '$.signals', json('[]'))`).run();
  // Counted, so an indexing run holding signals of a moved file (carriedSignals.ts) gives none back.
  db.prepare(
    `INSERT INTO meta(key, value) VALUES ('signals_erased', '1')
     ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`,
  ).run();
}

/** How many times the signals were erased (see eraseSignals). */
export function signalErasures(db: Database): number {
  return Number(db.prepare("SELECT value FROM meta WHERE key = 'signals_erased'").pluck().get() ?? 0);
}

/**
 * Today's chunk for a passage named by document and text span: the chunk with
 * that exact span, else the one of the same document that overlaps it most
 * (passages re-cut by new chunk settings). Null when the document is gone or
 * nothing of it covers that text any more.
 */
export function resolvePassage(
  db: Database,
  passage: { documentId: number; start: number; end: number },
): number | null {
  const row = db
    .prepare(
      `SELECT id FROM chunks WHERE document_id = ? AND start < ? AND end > ?
       ORDER BY MIN(end, ?) - MAX(start, ?) DESC, ABS(start - ?) ASC, id LIMIT 1`,
    )
    .pluck()
    .get(
      passage.documentId,
      Math.max(passage.end, passage.start + 1),
      passage.start,
      passage.end,
      passage.start,
      passage.start,
    ) as number | undefined;
  return row ?? null;
}
