import type { Database } from 'better-sqlite3';
import type { FailedFile, FolderInfo } from '../vocabulary/shapes.js';

export type FolderState = FolderInfo['state'];

interface FolderRow {
  id: number;
  path: string;
  added_at: string;
  state: FolderState;
  last_indexed_at: string | null;
  documents: number;
  chunks: number;
  failed: number;
}

const SELECT_FOLDERS = `
  SELECT f.id, f.path, f.added_at, f.state, f.last_indexed_at,
         COUNT(d.id) FILTER (WHERE d.status = 'ok') AS documents,
         COALESCE(SUM(d.chunks), 0) AS chunks,
         COUNT(d.id) FILTER (WHERE d.status <> 'ok') AS failed
  FROM folders f LEFT JOIN documents d ON d.folder_id = f.id`;

function toInfo(r: FolderRow): FolderInfo {
  return {
    id: r.id,
    path: r.path,
    addedAt: r.added_at,
    documents: r.documents,
    chunks: r.chunks,
    failed: r.failed,
    state: r.state,
    lastIndexedAt: r.last_indexed_at,
  };
}

export function listFolders(db: Database): FolderInfo[] {
  return (db.prepare(`${SELECT_FOLDERS} GROUP BY f.id ORDER BY f.id`).all() as FolderRow[]).map(toInfo);
}

export function getFolder(db: Database, id: number): FolderInfo | null {
  const row = db.prepare(`${SELECT_FOLDERS} WHERE f.id = ? GROUP BY f.id`).get(id) as FolderRow | undefined;
  return row ? toInfo(row) : null;
}

export function findFolderByPath(db: Database, absPath: string): FolderInfo | null {
  const row = db.prepare('SELECT id FROM folders WHERE path = ?').get(absPath) as { id: number } | undefined;
  return row ? getFolder(db, row.id) : null;
}

export function insertFolder(db: Database, absPath: string, ignore: readonly string[] = []): number {
  return Number(
    db
      .prepare(`INSERT INTO folders(path, added_at, state, ignore) VALUES (?, ?, 'new', ?)`)
      .run(absPath, new Date().toISOString(), JSON.stringify(ignore)).lastInsertRowid,
  );
}

export function setFolderIgnore(db: Database, id: number, ignore: readonly string[]): void {
  db.prepare('UPDATE folders SET ignore = ? WHERE id = ?').run(JSON.stringify(ignore), id);
}

/** The folder's own ignore patterns (gitignore-style). */
export function folderIgnore(db: Database, id: number): string[] {
  const raw = db.prepare('SELECT ignore FROM folders WHERE id = ?').pluck().get(id) as string | undefined;
  return raw ? (JSON.parse(raw) as string[]) : [];
}

export function setFolderState(db: Database, id: number, state: FolderState, indexedAt?: string): void {
  if (indexedAt)
    db.prepare('UPDATE folders SET state = ?, last_indexed_at = ? WHERE id = ?').run(state, indexedAt, id);
  else db.prepare('UPDATE folders SET state = ? WHERE id = ?').run(state, id);
}

/**
 * Paths in the order a file manager lists them: numbers by value (scan-2 before scan-10),
 * letters without regard to case first. A fixed locale, so every machine lists them alike.
 */
const pathOrder = new Intl.Collator('en', { numeric: true });

export function failedFiles(db: Database, limit = Infinity): FailedFile[] {
  return (
    db.prepare(`SELECT folder_id, rel_path, error, indexed_at FROM documents WHERE status <> 'ok'`).all() as {
      folder_id: number;
      rel_path: string;
      error: string | null;
      indexed_at: string;
    }[]
  )
    .sort(
      (a, b) =>
        a.folder_id - b.folder_id ||
        pathOrder.compare(a.rel_path, b.rel_path) ||
        (a.rel_path < b.rel_path ? -1 : a.rel_path > b.rel_path ? 1 : 0),
    )
    .slice(0, limit)
    .map((r) => ({
      folderId: r.folder_id,
      path: r.rel_path,
      error: r.error ?? 'unknown error',
      failedAt: r.indexed_at,
    }));
}
