import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../main/engine/store/database.js';
import { listVectorSets } from '../../main/engine/store/vectorSets.js';

/**
 * Every way the index could disagree with itself, as readable lines (empty = consistent):
 * documents.chunks vs their chunk rows, every chunk in FTS and in every vector set
 * (the building set only up to its cursor), no FTS row or vector without a chunk.
 */
export function checkConsistency(db: Database): string[] {
  const problems: string[] = [];
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
  for (const r of db
    .prepare(
      `SELECT d.rel_path, d.chunks, (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS n, d.status FROM documents d`,
    )
    .all() as { rel_path: string; chunks: number; n: number; status: string }[]) {
    if (r.chunks !== r.n) problems.push(`${r.rel_path}: documents.chunks ${r.chunks} but ${r.n} chunk rows`);
    if (r.status !== 'ok' && r.n) problems.push(`${r.rel_path}: failed but has chunks`);
  }
  const chunkIds = new Set(db.prepare('SELECT id FROM chunks').pluck().all() as number[]);
  const ftsIds = new Set(db.prepare('SELECT rowid FROM chunks_fts').pluck().all() as number[]);
  for (const id of chunkIds) if (!ftsIds.has(id)) problems.push(`chunk ${id} has no FTS row`);
  for (const id of ftsIds) if (!chunkIds.has(id)) problems.push(`FTS row ${id} has no chunk`);
  for (const set of listVectorSets(db)) {
    const vecIds = new Set(db.prepare(`SELECT chunk_id FROM ${set.tableName}`).pluck().all() as number[]);
    for (const id of chunkIds) {
      if (!vecIds.has(id) && (set.state === 'active' || id <= set.cursor))
        problems.push(`chunk ${id} has no vector in ${set.tableName}`);
    }
    for (const id of vecIds)
      if (!chunkIds.has(id)) problems.push(`vector ${id} in ${set.tableName} has no chunk`);
  }
  if (listVectorSets(db).filter((s) => s.state === 'active').length > 1)
    problems.push('more than one active vector set');
  return problems;
}

/** `checkConsistency` on a library file, through a read-only connection of its own. */
export function checkLibraryFile(dbPath: string): string[] {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return checkConsistency(db);
  } finally {
    db.close();
  }
}
