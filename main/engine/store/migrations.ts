import type { Database } from 'better-sqlite3';

/**
 * Schema, one migration per version; `PRAGMA user_version` records the last one
 * applied. Migrations only ever get appended: a library written by an older
 * DocQA opens in a newer one.
 *
 * Virtual tables that depend on runtime choices live outside the numbered
 * migrations: the FTS5 table (its tokenizer is part of the analyzer version,
 * see ftsIndex.ts) and one vec0 table per answer tower (see vectorSets.ts).
 */
const MIGRATIONS: string[] = [
  // 1: the library
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL   -- JSON
  );

  CREATE TABLE folders (
    id              INTEGER PRIMARY KEY,
    path            TEXT NOT NULL UNIQUE,
    added_at        TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'new',   -- new | indexing | ok | missing
    last_indexed_at TEXT
  );

  CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    folder_id  INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    rel_path   TEXT NOT NULL,
    size       INTEGER NOT NULL,
    mtime_ms   REAL NOT NULL,
    hash       TEXT,
    type       TEXT,
    title      TEXT,
    encoding   TEXT,
    status     TEXT NOT NULL,                      -- ok | failed
    error      TEXT,
    chunks     INTEGER NOT NULL DEFAULT 0,
    indexed_at TEXT NOT NULL,
    UNIQUE (folder_id, rel_path)
  );
  CREATE INDEX documents_failed ON documents(status) WHERE status <> 'ok';
  CREATE INDEX documents_hash ON documents(folder_id, hash);

  -- AUTOINCREMENT: chunk ids are never reused, so a background re-embedding can
  -- walk them in order and know that anything newer than its cursor is new.
  CREATE TABLE chunks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ord          INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    end          INTEGER NOT NULL,
    heading_path TEXT NOT NULL,                     -- JSON array
    page         INTEGER,
    line         INTEGER NOT NULL,
    text         TEXT NOT NULL
  );
  CREATE INDEX chunks_document ON chunks(document_id, ord);

  -- One row per answer tower that has (or is getting) vectors; exactly one is active.
  CREATE TABLE vector_sets (
    id            INTEGER PRIMARY KEY,
    table_name    TEXT NOT NULL UNIQUE,
    answer_hash   TEXT NOT NULL,
    question_hash TEXT NOT NULL,
    pack_name     TEXT NOT NULL,
    pack_version  TEXT NOT NULL,
    pack_dir      TEXT NOT NULL,
    dim           INTEGER NOT NULL,
    state         TEXT NOT NULL,                    -- building | active
    cursor        INTEGER NOT NULL DEFAULT 0,       -- building: chunks with id <= cursor are done
    created_at    TEXT NOT NULL
  );

  CREATE TABLE conversations (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE turns (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    question        TEXT NOT NULL,
    answer          TEXT NOT NULL,                  -- AskResult JSON
    asked_at        TEXT NOT NULL
  );
  CREATE INDEX turns_conversation ON turns(conversation_id, id);
  `,
  // 2: per-folder ignore patterns (gitignore-style, on top of the scanner's defaults)
  `
  ALTER TABLE folders ADD COLUMN ignore TEXT NOT NULL DEFAULT '[]';   -- JSON array
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `library schema version ${current} is newer than this DocQA supports (${SCHEMA_VERSION})`,
    );
  }
  if (current === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
