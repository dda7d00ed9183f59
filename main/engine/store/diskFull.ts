import { UserError } from '../errors.js';

/**
 * A write that found no room: SQLite's "database or disk is full" (the disk, a
 * quota, a full WAL) or Node's ENOSPC. Every library write is a transaction, so
 * what the failed one held is rolled back and everything committed before stays.
 */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

/** What a person is told: which disk, that nothing saved is lost, and what to do. */
export function diskFullError(file: string, cause: unknown): UserError {
  return new UserError(
    `the disk holding the library ${file} is full: what was saved before is kept; free some space and try again`,
    file,
    { cause },
  );
}
