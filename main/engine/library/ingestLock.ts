import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { UserError } from '../errors.js';
import { sqliteNativeBinding } from '../store/database.js';

/** How often a waiting ingest tries the lock again. */
const RETRY_MS = 250;

/** The lock file beside a library: `library.sqlite` → `library.sqlite.ingest-lock`. */
export function ingestLockPath(dbPath: string): string {
  return `${dbPath}.ingest-lock`;
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function openLockFile(file: string, readonly: boolean): Db {
  const nativeBinding = sqliteNativeBinding() ?? undefined;
  const db = new Database(file, { readonly, fileMustExist: readonly, nativeBinding });
  db.pragma('busy_timeout = 0');
  return db;
}

/**
 * One indexing run at a time per library, across processes (two `docqa
 * ingest`, the desktop app and a CLI, watch mode and a manual run).
 *
 * The lock is an EXCLUSIVE transaction on an empty SQLite file beside the
 * library, held for the whole run: SQLite's file locks are released by the
 * operating system when the holder dies (kill -9, a crash, power loss of the
 * process), so a lock is never stale, and `isIngestRunning` tells a live run
 * from a folder state a killed run left behind. SQLite also keeps these locks
 * straight between connections of one process (and its worker threads).
 */
export class IngestLock {
  private constructor(private db: Db | null) {}

  /** The lock if no other run holds it, else null. */
  static tryAcquire(dbPath: string): IngestLock | null {
    const file = ingestLockPath(dbPath);
    let db: Db;
    try {
      db = openLockFile(file, false);
    } catch (e) {
      throw new UserError(`cannot create the ingest lock ${file}: ${(e as Error).message}`, file);
    }
    try {
      db.exec('BEGIN EXCLUSIVE');
      return new IngestLock(db);
    } catch (e) {
      db.close();
      if (isBusy(e)) return null;
      throw e;
    }
  }

  /**
   * Waits for the lock; `onWaiting` is called once when another run holds it.
   * Rejects (and stops waiting) when `signal` aborts.
   */
  static async acquire(
    dbPath: string,
    options: { signal?: AbortSignal; onWaiting?: () => void } = {},
  ): Promise<IngestLock> {
    let told = false;
    for (;;) {
      if (options.signal?.aborted)
        throw new UserError('cancelled while another ingest was running on this library', dbPath);
      const lock = IngestLock.tryAcquire(dbPath);
      if (lock) return lock;
      if (!told) {
        told = true;
        options.onWaiting?.();
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  release(): void {
    const db = this.db;
    this.db = null;
    if (!db) return;
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  }
}

/** Whether an indexing run (in any process) holds the library's lock now. */
export function isIngestRunning(dbPath: string): boolean {
  let db: Db;
  try {
    db = openLockFile(ingestLockPath(dbPath), true);
  } catch {
    return false; // no lock file: no run has ever held it
  }
  try {
    // A read needs a SHARED lock, which a holder's EXCLUSIVE lock refuses.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (e) {
    if (isBusy(e)) return true;
    throw e;
  } finally {
    db.close();
  }
}
