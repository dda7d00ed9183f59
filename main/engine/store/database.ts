import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';
import { ensureFtsTable } from './ftsIndex.js';
import { diskFullError, isDiskFull } from './diskFull.js';

export type { Db };

let nativeBinding: string | undefined;

/**
 * The better-sqlite3 addon to load instead of the default one (the desktop app
 * passes its Electron-ABI build; null restores the default). Set it before the
 * first library is opened in this thread.
 */
export function setSqliteNativeBinding(file: string | null): void {
  nativeBinding = file ?? undefined;
}

/** The addon set for this thread (null: the default), for the workers it starts: each thread has its own. */
export function sqliteNativeBinding(): string | null {
  return nativeBinding ?? null;
}

export interface OpenDatabaseOptions {
  readonly?: boolean;
  /** How long a writer waits for another connection's write transaction (ms). */
  busyTimeoutMs?: number;
  /** Told before the full-text index is rebuilt for a new analyzer (store/ftsIndex.ts). */
  onFtsRebuild?: (passages: number) => void;
}

/**
 * Opens (creating when missing) a library file: sqlite-vec loaded, WAL (readers
 * never wait for the ingest writer), foreign keys on, schema migrated.
 */
export function openDatabase(dbPath: string, options: OpenDatabaseOptions = {}): Db {
  const file = path.resolve(dbPath);
  if (!options.readonly) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    } catch (e) {
      throw new UserError(`cannot create the folder for the library ${file}: ${(e as Error).message}`, file);
    }
  }
  let db: Db;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      nativeBinding,
    });
  } catch (e) {
    throw new UserError(`cannot open library ${file}: ${(e as Error).message}`, file);
  }
  try {
    // In a packaged app the extension is unpacked beside app.asar (dlopen cannot read inside it).
    db.loadExtension(sqliteVec.getLoadablePath().replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'));
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 15_000}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // WAL + NORMAL: a crash can lose the last commits but never corrupts the file.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new UserError(
        `library ${file} was written by a newer DocQA (schema ${version} > ${SCHEMA_VERSION})`,
        file,
      );
    }
    if (!options.readonly) {
      migrate(db);
      ensureFtsTable(db, options.onFtsRebuild);
    }
  } catch (e) {
    db.close();
    if (e instanceof UserError) throw e;
    // Migrating or re-indexing on open (a new analyzer) writes; a full disk rolls it back.
    if (isDiskFull(e, file)) throw diskFullError(file, e);
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new UserError(`${file} is not a DocQA library (not a SQLite database)`, file);
    }
    throw e;
  }
  return db;
}
