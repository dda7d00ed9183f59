import type { Database } from 'better-sqlite3';
import { mergeCarried, type CarriedSignals } from '../feedback/carriedSignals.js';
import { RESTORE_WINDOW_MS } from './conversations.js';

/**
 * A removed folder can be put back ("Undo") for as long as a deleted conversation; after
 * that its record goes at the next removal or library opening. Its files are read again;
 * what nothing could rebuild — what the user said of its passages — and what is slow to
 * rebuild — their vectors (`removed_vectors`, store/keptVectors.ts) — are kept meanwhile.
 */
export const FOLDER_RESTORE_WINDOW_MS = RESTORE_WINDOW_MS;

export interface RemovedFolder {
  id: number;
  path: string;
  ignore: string[];
  removedAt: string;
  restoredFolderId: number | null;
  carried: CarriedSignals;
}

interface Row {
  id: number;
  path: string;
  ignore: string;
  removed_at: string;
  restored_folder_id: number | null;
  carried: string;
}

const toRemoved = (r: Row): RemovedFolder => ({
  id: r.id,
  path: r.path,
  ignore: JSON.parse(r.ignore) as string[],
  removedAt: r.removed_at,
  restoredFolderId: r.restored_folder_id,
  carried: JSON.parse(r.carried) as CarriedSignals,
});

/** Records a folder being removed (call in the removal's transaction); returns the id that restores it. */
export function recordRemovedFolder(
  db: Database,
  folder: { path: string; ignore: readonly string[] },
  carried: CarriedSignals,
  now = new Date(),
): number {
  purgeRemovedFolders(db, now);
  return Number(
    db
      .prepare('INSERT INTO removed_folders(path, ignore, removed_at, carried) VALUES (?, ?, ?, ?)')
      .run(folder.path, JSON.stringify(folder.ignore), now.toISOString(), JSON.stringify(carried))
      .lastInsertRowid,
  );
}

/** A removal that can still be undone: not put back yet, and within the window. */
export function restorableRemoval(db: Database, id: number, now = new Date()): RemovedFolder | null {
  const row = db
    .prepare('SELECT * FROM removed_folders WHERE id = ? AND restored_folder_id IS NULL AND removed_at >= ?')
    .get(id, cutoff(now)) as Row | undefined;
  return row ? toRemoved(row) : null;
}

/** The latest removal of a folder path that can still be undone. */
export function restorableRemovalOf(db: Database, path: string, now = new Date()): RemovedFolder | null {
  const row = db
    .prepare(
      `SELECT * FROM removed_folders WHERE path = ? AND restored_folder_id IS NULL AND removed_at >= ?
       ORDER BY id DESC LIMIT 1`,
    )
    .get(path, cutoff(now)) as Row | undefined;
  return row ? toRemoved(row) : null;
}

/** Removals that can still be undone, the latest of each path not in the library now, newest first. */
export function restorableRemovals(
  db: Database,
  now = new Date(),
): { removalId: number; path: string; removedAt: string }[] {
  return (
    db
      .prepare(
        `SELECT MAX(r.id) AS id, r.path, r.removed_at FROM removed_folders r
         WHERE r.restored_folder_id IS NULL AND r.removed_at >= ?
           AND NOT EXISTS (SELECT 1 FROM folders f WHERE f.path = r.path)
         GROUP BY r.path ORDER BY id DESC`,
      )
      .all(cutoff(now)) as { id: number; path: string; removed_at: string }[]
  ).map((r) => ({ removalId: r.id, path: r.path, removedAt: r.removed_at }));
}

export function markRestored(db: Database, id: number, folderId: number): void {
  db.prepare('UPDATE removed_folders SET restored_folder_id = ? WHERE id = ?').run(folderId, id);
}

/** The removals put back as this folder whose signals or vectors still wait for its passages. */
export function putBackRemovals(db: Database, folderId: number): RemovedFolder[] {
  return (
    db
      .prepare('SELECT * FROM removed_folders WHERE restored_folder_id = ? ORDER BY id')
      .all(folderId) as Row[]
  ).map(toRemoved);
}

/**
 * A put-back folder removed again before a whole run gave it back all it kept: what is
 * still kept (signals, unless erased since; vectors) joins the new removal `into`, and the
 * old record goes.
 */
export function absorbEarlierRemovals(db: Database, folderId: number, into: number): void {
  const row = db.prepare('SELECT carried FROM removed_folders WHERE id = ?').pluck().get(into) as string;
  let carried = JSON.parse(row) as CarriedSignals;
  for (const earlier of putBackRemovals(db, folderId)) {
    carried = mergeCarried(carried, earlier.carried);
    db.prepare('UPDATE OR IGNORE removed_vectors SET removal_id = ? WHERE removal_id = ?').run(
      into,
      earlier.id,
    );
    db.prepare('DELETE FROM removed_folders WHERE id = ?').run(earlier.id);
  }
  db.prepare('UPDATE removed_folders SET carried = ? WHERE id = ?').run(JSON.stringify(carried), into);
}

/**
 * What is still to give back after a cancelled or failed run (its kept vectors stay for the
 * next run too); null after a whole run: the record goes, with its vectors.
 */
export function keepAwaiting(db: Database, id: number, carried: CarriedSignals | null): void {
  if (carried === null) db.prepare('DELETE FROM removed_folders WHERE id = ?').run(id);
  else db.prepare('UPDATE removed_folders SET carried = ? WHERE id = ?').run(JSON.stringify(carried), id);
}

/** Removals too old to undo and never put back go for good. */
export function purgeRemovedFolders(db: Database, now = new Date()): void {
  const due = 'FROM removed_folders WHERE restored_folder_id IS NULL AND removed_at < ?';
  // Read first: opening a library must not wait for the write lock when there is nothing to do.
  if (db.prepare(`SELECT 1 ${due} LIMIT 1`).get(cutoff(now))) db.prepare(`DELETE ${due}`).run(cutoff(now));
}

const cutoff = (now: Date): string => new Date(now.getTime() - FOLDER_RESTORE_WINDOW_MS).toISOString();
