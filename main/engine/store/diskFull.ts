import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

/** Free space under which an I/O error writing the library is read as a full disk. */
const NEARLY_FULL_BYTES = 1 << 20;

/**
 * A write that found no room: SQLite's "database or disk is full" (the disk, a
 * quota, a full WAL) or Node's ENOSPC. A disk with no room at all often fails
 * earlier, where SQLite sizes its shared-memory or WAL file, and SQLite reports
 * that as an I/O error; given the library's file, the free space beside it tells
 * the two apart. Every library write is a transaction, so what the failed one
 * held is rolled back and everything committed before stays.
 */
export function isDiskFull(e: unknown, file?: string): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
  if (!file || typeof code !== 'string' || !code.startsWith('SQLITE_IOERR')) return false;
  try {
    const fsStats = fs.statfsSync(path.dirname(file));
    return fsStats.bavail * fsStats.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/** What a person is told: which disk, that nothing saved is lost, and what to do. */
export function diskFullError(file: string, cause: unknown): UserError {
  return new UserError(
    `the disk holding the library ${file} is full: what was saved before is kept; free some space and try again`,
    file,
    { cause },
  );
}

/** `e`, or the full-disk error when that is what `e` is (for the library `file`). */
export function explainDiskFull(e: unknown, file: string): unknown {
  return isDiskFull(e, file) ? diskFullError(file, e) : e;
}
