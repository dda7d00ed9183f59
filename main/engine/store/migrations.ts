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
  // 3: learning from use — the answers that were shown, what the user said of them, what was learned
  `
  CREATE TABLE answers (
    id        INTEGER PRIMARY KEY,
    question  TEXT NOT NULL,
    asked_at  TEXT NOT NULL,
    mode      TEXT NOT NULL,
    pack      TEXT NOT NULL,                        -- the question tower: name@version#hash
    ranker    TEXT NOT NULL,                        -- the ranking stage, with the learned model in use
    shown     TEXT NOT NULL                         -- JSON ShownPassage[], in the order shown
  );

  -- A passage is named by its document and the text it covers, not its chunk id: passages are
  -- re-cut when chunk settings change, and a signal then re-attaches to the one covering that text.
  CREATE TABLE signals (
    id          INTEGER PRIMARY KEY,
    answer_id   INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    rank        INTEGER NOT NULL,                   -- 1-based place in the answer
    kind        TEXT NOT NULL,                      -- good | bad | open | preview | copy
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    text_hash   TEXT NOT NULL,
    created_at  TEXT NOT NULL
  );
  CREATE INDEX signals_answer ON signals(answer_id);
  CREATE INDEX signals_document ON signals(document_id);

  -- What learning produced, per question tower (pack_key); exactly one active per pack at most,
  -- the one before it kept as 'previous' so it can be restored.
  CREATE TABLE learned_models (
    id             INTEGER PRIMARY KEY,
    pack_key       TEXT NOT NULL,
    state          TEXT NOT NULL,                   -- active | previous | retired | rejected
    created_at     TEXT NOT NULL,
    through_signal INTEGER NOT NULL,                -- learned from signals with id <= this
    report         TEXT NOT NULL,                   -- JSON LearningReport (held-back figures)
    params         BLOB NOT NULL                    -- serialised LearnedParams
  );
  CREATE INDEX learned_models_pack ON learned_models(pack_key, state);
  `,
  // 4: a deleted conversation stays restorable for a while (store/conversations.ts RESTORE_WINDOW_MS)
  `
  ALTER TABLE conversations ADD COLUMN deleted_at TEXT;
  `,
  // 5: the reader that made a file's passages (ingest/readerVersions.ts); a file read by an older
  // one (or before readers were recorded: NULL) is read again by the next indexing run
  `
  ALTER TABLE documents ADD COLUMN reader TEXT;
  `,
  // 6: each passage's text as a number (store/passageHash.ts), so a passage embedded once is found
  // again wherever its text turns up (a copy of a file); NULL for passages from before
  `
  ALTER TABLE chunks ADD COLUMN passage_hash INTEGER;
  CREATE INDEX chunks_passage_hash ON chunks(passage_hash) WHERE passage_hash IS NOT NULL;
  `,
  // 7: a removed folder can be put back ("Undo") for a while (store/removedFolders.ts): its path,
  // its ignore patterns and the signals of its passages, which nothing else could rebuild
  `
  CREATE TABLE removed_folders (
    id                 INTEGER PRIMARY KEY,
    path               TEXT NOT NULL,
    ignore             TEXT NOT NULL,             -- JSON string[], the folder's own patterns
    removed_at         TEXT NOT NULL,
    restored_folder_id INTEGER,                   -- the folder it was put back as; NULL until then
    carried            TEXT NOT NULL              -- JSON CarriedSignals not yet given back
  );
  `,
  // 8: and the vectors of its passages, by passage text, so that putting it back embeds
  // nothing whose text is unchanged (store/keptVectors.ts)
  `
  CREATE TABLE removed_vectors (
    removal_id INTEGER NOT NULL REFERENCES removed_folders(id) ON DELETE CASCADE,
    set_id     INTEGER NOT NULL,
    passage    BLOB NOT NULL,                     -- sha1 of the passage text, as passageText joins it
    vector     BLOB NOT NULL,
    PRIMARY KEY (removal_id, set_id, passage)
  ) WITHOUT ROWID;
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
