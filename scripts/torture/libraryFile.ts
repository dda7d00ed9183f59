/**
 * Reading a library's SQLite file directly, as a second opinion on what the CLI
 * reports: SQLite's own integrity check, the index agreeing with itself (the
 * same checks as test/library/consistency.ts, restated here because scripts do
 * not import test helpers) and the documents against the files on disk.
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';

/**
 * A connection of our own. Read-write (nothing is written) so that SQLite can
 * recover the WAL of a killed writer, exactly as the next docqa run would.
 */
export function openLibraryFile(dbPath: string): Db {
  const db = new Database(dbPath, { fileMustExist: true });
  db.loadExtension(sqliteVec.getLoadablePath());
  db.pragma('busy_timeout = 15000');
  return db;
}

export function withLibrary<T>(dbPath: string, use: (db: Db) => T): T {
  const db = openLibraryFile(dbPath);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** Every way the index could disagree with itself, one line each (empty: consistent). */
export function consistencyProblems(db: Db): string[] {
  const problems: string[] = [];
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
  const docs = db
    .prepare(
      `SELECT d.rel_path, d.chunks, d.status, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS n
       FROM documents d`,
    )
    .all() as { rel_path: string; chunks: number; status: string; n: number }[];
  for (const d of docs) {
    if (d.chunks !== d.n) problems.push(`${d.rel_path}: documents.chunks ${d.chunks} but ${d.n} chunk rows`);
    if (d.status !== 'ok' && d.n) problems.push(`${d.rel_path}: failed but has chunks`);
  }
  const orphans = db
    .prepare('SELECT COUNT(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)')
    .pluck()
    .get() as number;
  if (orphans) problems.push(`${orphans} chunks without a document`);
  const chunkIds = new Set(db.prepare('SELECT id FROM chunks').pluck().all() as number[]);
  const ftsIds = new Set(db.prepare('SELECT rowid FROM chunks_fts').pluck().all() as number[]);
  for (const id of chunkIds) if (!ftsIds.has(id)) problems.push(`chunk ${id} has no FTS row`);
  for (const id of ftsIds) if (!chunkIds.has(id)) problems.push(`FTS row ${id} has no chunk`);
  const sets = db.prepare('SELECT table_name, state, cursor FROM vector_sets').all() as {
    table_name: string;
    state: string;
    cursor: number;
  }[];
  for (const set of sets) {
    const vecIds = new Set(db.prepare(`SELECT chunk_id FROM "${set.table_name}"`).pluck().all() as number[]);
    for (const id of chunkIds)
      if (!vecIds.has(id) && (set.state === 'active' || id <= set.cursor))
        problems.push(`chunk ${id} has no vector in ${set.table_name}`);
    for (const id of vecIds)
      if (!chunkIds.has(id)) problems.push(`vector ${id} in ${set.table_name} has no chunk`);
  }
  if (chunkIds.size > 0 && !sets.some((s) => s.state === 'active'))
    problems.push('chunks but no active vector set');
  if (sets.filter((s) => s.state === 'active').length > 1) problems.push('more than one active vector set');
  return problems;
}

export interface DocumentRow {
  relPath: string;
  status: string;
  error: string | null;
  size: number;
  mtimeMs: number;
  chunks: number;
  /** All of its passages, in order, joined by newlines. */
  text: string;
}

/** The documents of the folder added as `folderPath`, by relative path. */
export function documentsOf(db: Db, folderPath: string): Map<string, DocumentRow> {
  const rows = db
    .prepare(
      `SELECT d.id, d.rel_path, d.status, d.error, d.size, d.mtime_ms, d.chunks
       FROM documents d JOIN folders f ON f.id = d.folder_id WHERE f.path = ?`,
    )
    .all(folderPath) as {
    id: number;
    rel_path: string;
    status: string;
    error: string | null;
    size: number;
    mtime_ms: number;
    chunks: number;
  }[];
  const text = db.prepare('SELECT text FROM chunks WHERE document_id = ? ORDER BY ord').pluck();
  const byPath = new Map<string, DocumentRow>();
  for (const r of rows) {
    byPath.set(r.rel_path, {
      relPath: r.rel_path,
      status: r.status,
      error: r.error,
      size: r.size,
      mtimeMs: r.mtime_ms,
      chunks: r.chunks,
      text: (text.all(r.id) as string[]).join('\n'),
    });
  }
  return byPath;
}

/** What a file on disk must look like in the index after a completed run. */
export interface ExpectedFile {
  size: number;
  mtimeMs: number;
  /** A word only this version of the file contains. */
  token: string;
}

/**
 * One row per file, none for files that are gone, and each row describing the
 * file as it is now (size, mtime, its current token in the passages).
 */
export function compareWithDisk(rows: Map<string, DocumentRow>, onDisk: Map<string, ExpectedFile>): string[] {
  const problems: string[] = [];
  for (const [rel, want] of onDisk) {
    const row = rows.get(rel);
    if (!row) problems.push(`${rel}: not in the index`);
    else if (row.status !== 'ok') problems.push(`${rel}: ${row.status} (${row.error})`);
    else if (row.size !== want.size || Math.abs(row.mtimeMs - want.mtimeMs) > 1)
      problems.push(`${rel}: stale (index ${row.size} B, disk ${want.size} B)`);
    else if (!row.text.includes(want.token))
      problems.push(`${rel}: passages lack ${want.token} (stale text)`);
  }
  for (const rel of rows.keys()) if (!onDisk.has(rel)) problems.push(`${rel}: still indexed after deletion`);
  return problems;
}

export function summarize(problems: string[], max = 4): string {
  if (!problems.length) return 'none';
  return `${problems.length}: ${problems.slice(0, max).join('; ')}${problems.length > max ? '; …' : ''}`;
}
