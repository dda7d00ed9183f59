import type { Database } from 'better-sqlite3';
import type { AskResult, ConversationSummary, ConversationTurn } from '../vocabulary/shapes.js';

const TITLE_CHARS = 80;

/**
 * A deleted conversation can be restored ("Undo") for this long; it is removed for good by
 * the first deletion or library opening after that.
 */
export const RESTORE_WINDOW_MS = 10 * 60_000;

export function listConversations(db: Database): ConversationSummary[] {
  return (
    db
      .prepare(
        `SELECT c.id, c.title, c.created_at, COUNT(t.id) AS turns
         FROM conversations c LEFT JOIN turns t ON t.conversation_id = c.id
         WHERE c.deleted_at IS NULL
         GROUP BY c.id ORDER BY c.id DESC`,
      )
      .all() as { id: number; title: string; created_at: string; turns: number }[]
  ).map((r) => ({ id: r.id, title: r.title, createdAt: r.created_at, turns: r.turns }));
}

export function conversationExists(db: Database, id: number): boolean {
  return db.prepare('SELECT 1 FROM conversations WHERE id = ? AND deleted_at IS NULL').get(id) !== undefined;
}

export function conversationTurns(db: Database, conversationId: number): ConversationTurn[] {
  return (
    db
      .prepare(
        'SELECT id, conversation_id, question, answer, asked_at FROM turns WHERE conversation_id = ? ORDER BY id',
      )
      .all(conversationId) as {
      id: number;
      conversation_id: number;
      question: string;
      answer: string;
      asked_at: string;
    }[]
  ).map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    question: r.question,
    answer: withDefaults(JSON.parse(r.answer) as AskResult),
    askedAt: r.asked_at,
  }));
}

/** Appends a turn; a null conversation starts a new one titled by its first question. */
export function addTurn(db: Database, conversationId: number | null, answer: AskResult): ConversationTurn {
  return db
    .transaction(() => {
      const now = new Date().toISOString();
      let id = conversationId;
      if (id === null) {
        const title = answer.question.replace(/\s+/g, ' ').trim().slice(0, TITLE_CHARS);
        id = Number(
          db.prepare('INSERT INTO conversations(title, created_at) VALUES (?, ?)').run(title, now)
            .lastInsertRowid,
        );
      }
      const turnId = Number(
        db
          .prepare('INSERT INTO turns(conversation_id, question, answer, asked_at) VALUES (?, ?, ?, ?)')
          .run(id, answer.question, JSON.stringify(answer), now).lastInsertRowid,
      );
      return { id: turnId, conversationId: id, question: answer.question, answer, askedAt: now };
    })
    .immediate();
}

/** Deletes a conversation, restorable for RESTORE_WINDOW_MS; those deleted before that go for good. */
export function deleteConversation(db: Database, id: number, now = new Date()): void {
  db.transaction(() => {
    purgeDeletedConversations(db, now);
    db.prepare('UPDATE conversations SET deleted_at = ? WHERE id = ?').run(now.toISOString(), id);
  }).immediate();
}

/** Brings back a conversation deleted within RESTORE_WINDOW_MS; false when there is none to restore. */
export function restoreConversation(db: Database, id: number, now = new Date()): boolean {
  return (
    db
      .prepare('UPDATE conversations SET deleted_at = NULL WHERE id = ? AND deleted_at >= ?')
      .run(id, restorableSince(now)).changes > 0
  );
}

/** Removes, with their turns, the conversations deleted more than RESTORE_WINDOW_MS before `now`. */
export function purgeDeletedConversations(db: Database, now = new Date()): number {
  const before = restorableSince(now);
  // Read first: opening a library must not wait for the write lock (an indexing run may
  // hold it) when, as nearly always, there is nothing to remove.
  const due = db.prepare('SELECT 1 FROM conversations WHERE deleted_at < ? LIMIT 1').get(before);
  if (!due) return 0;
  return db.prepare('DELETE FROM conversations WHERE deleted_at < ?').run(before).changes;
}

/** The earliest deletion time (as stored) that can still be restored at `now`. */
function restorableSince(now: Date): string {
  return new Date(now.getTime() - RESTORE_WINDOW_MS).toISOString();
}

/** Turns stored before an answer carried translatedTerms (or corrections, …) read back with empty lists. */
function withDefaults(answer: AskResult): AskResult {
  return {
    ...answer,
    translatedTerms: answer.translatedTerms ?? [],
    missingNames: answer.missingNames ?? [],
    weakMatch: answer.weakMatch ?? false,
    corrections: answer.corrections ?? [],
  };
}
