import type { Database } from 'better-sqlite3';

/**
 * Which files an ingest run was reading when it died. A mark is written before a
 * file is read and removed once it has been (indexed or failed), so a mark that
 * outlives its run means the process died under that file: killed, or out of
 * memory in a way no worker thread could contain. Marks live in `meta` (key
 * `extracting:<folderId>:<relPath>`), which needs no schema change.
 */
export interface FileIdentity {
  folderId: number;
  relPath: string;
  size: number;
  mtimeMs: number;
}

const key = (f: FileIdentity): string => `extracting:${f.folderId}:${f.relPath}`;

/** How many earlier runs died reading this same file (same size and mtime); 0 when none did. */
export function deathsWhileReading(db: Database, file: FileIdentity): number {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key(file)) as
    { value: string } | undefined;
  if (!row) return 0;
  const mark = JSON.parse(row.value) as { size: number; mtimeMs: number; starts: number };
  return mark.size === file.size && mark.mtimeMs === file.mtimeMs ? mark.starts : 0;
}

/** Written (and committed) just before the file is read: `starts` counts this run too. */
export function markReading(db: Database, file: FileIdentity, earlierDeaths: number): void {
  db.prepare(
    'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key(file), JSON.stringify({ size: file.size, mtimeMs: file.mtimeMs, starts: earlierDeaths + 1 }));
}

export function clearReading(db: Database, file: Pick<FileIdentity, 'folderId' | 'relPath'>): void {
  db.prepare('DELETE FROM meta WHERE key = ?').run(key(file as FileIdentity));
}
