import type { Database, Statement } from 'better-sqlite3';
import { listVectorSets, VectorTables, type VectorSet } from './vectorSets.js';

export interface ChunkRow {
  ord: number;
  start: number;
  end: number;
  headingPath: string[];
  page: number | null;
  line: number;
  text: string;
  /** FTS5 columns from the analyzer (see text/analyzer.ts). */
  fts: { body: string; chars: string };
  /** `passageHash` of the passage's text (title, headings and body); absent, none is stored. */
  passageHash?: number;
}

export interface DocumentFile {
  folderId: number;
  relPath: string;
  size: number;
  mtimeMs: number;
  /** The reader that read (or failed to read) it (ingest/readerVersions.ts); absent for what no reader saw. */
  reader?: string;
}

export interface IndexedDocument extends DocumentFile {
  hash: string;
  type: string;
  title: string;
  encoding: string | null;
  chunks: ChunkRow[];
  /** Row-major vectors per vector-set id, one row per chunk. */
  vectors: Map<number, Float32Array>;
}

export interface StoredDocument {
  id: number;
  relPath: string;
  size: number;
  mtimeMs: number;
  hash: string | null;
  status: 'ok' | 'failed';
  /** Null for a file indexed before readers were recorded. */
  reader: string | null;
}

/** The active vector set changed while a file was being embedded: embed again with the new tower. */
export class VectorSetChangedError extends Error {
  constructor() {
    super('the active vector set changed during indexing');
  }
}

/**
 * Writes documents with their chunks, FTS rows and vectors. Every method is one
 * transaction (nested inside the caller's when there is one), so a file is
 * either fully indexed, fully replaced or untouched.
 */
export class DocumentStore {
  private readonly vectorTables: VectorTables;
  private readonly st: Record<string, Statement>;

  constructor(private readonly db: Database) {
    this.vectorTables = new VectorTables(db);
    this.st = {
      byPath: db.prepare('SELECT id FROM documents WHERE folder_id = ? AND rel_path = ?'),
      list: db.prepare(
        'SELECT id, rel_path, size, mtime_ms, hash, status, reader FROM documents WHERE folder_id = ?',
      ),
      chunkIds: db.prepare('SELECT id FROM chunks WHERE document_id = ?').pluck(),
      deleteChunks: db.prepare('DELETE FROM chunks WHERE document_id = ?'),
      deleteFts: db.prepare('DELETE FROM chunks_fts WHERE rowid = ?'),
      insertDoc: db.prepare(
        `INSERT INTO documents(folder_id, rel_path, size, mtime_ms, hash, type, title, encoding, status, error, chunks, indexed_at, reader)
         VALUES (@folderId, @relPath, @size, @mtimeMs, @hash, @type, @title, @encoding, @status, @error, @chunks, @indexedAt, @reader)`,
      ),
      updateDoc: db.prepare(
        `UPDATE documents SET size = @size, mtime_ms = @mtimeMs, hash = @hash, type = @type, title = @title,
           encoding = @encoding, status = @status, error = @error, chunks = @chunks, indexed_at = @indexedAt,
           reader = @reader
         WHERE id = @id`,
      ),
      insertChunk: db.prepare(
        `INSERT INTO chunks(document_id, ord, start, end, heading_path, page, line, text, passage_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertFts: db.prepare('INSERT INTO chunks_fts(rowid, body, chars) VALUES (?, ?, ?)'),
      deleteDoc: db.prepare('DELETE FROM documents WHERE id = ?'),
      touch: db.prepare('UPDATE documents SET size = ?, mtime_ms = ? WHERE id = ?'),
      rename: db.prepare(
        'UPDATE documents SET folder_id = ?, rel_path = ?, size = ?, mtime_ms = ?, indexed_at = ? WHERE id = ?',
      ),
    };
  }

  /** Everything indexed (or failed) under a folder, keyed by relative path. */
  documentsOf(folderId: number): Map<string, StoredDocument> {
    const out = new Map<string, StoredDocument>();
    for (const r of this.st.list.iterate(folderId) as Iterable<{
      id: number;
      rel_path: string;
      size: number;
      mtime_ms: number;
      hash: string | null;
      status: 'ok' | 'failed';
      reader: string | null;
    }>) {
      out.set(r.rel_path, {
        id: r.id,
        relPath: r.rel_path,
        size: r.size,
        mtimeMs: r.mtime_ms,
        hash: r.hash,
        status: r.status,
        reader: r.reader,
      });
    }
    return out;
  }

  /**
   * Inserts or replaces one document and everything derived from it. `sets` (the
   * library's vector sets, read in the same transaction) saves a query per
   * document when the caller writes many.
   */
  write(doc: IndexedDocument, sets: VectorSet[] = listVectorSets(this.db)): number {
    return this.atomically(() => {
      for (const set of sets) {
        if (set.state === 'active' && !doc.vectors.has(set.id)) throw new VectorSetChangedError();
      }
      const docId = this.upsert(
        doc,
        {
          hash: doc.hash,
          type: doc.type,
          title: doc.title,
          encoding: doc.encoding,
          status: 'ok',
          error: null,
          chunks: doc.chunks.length,
        },
        sets,
      );
      for (let i = 0; i < doc.chunks.length; i++) {
        const c = doc.chunks[i];
        const chunkId = Number(
          this.st.insertChunk.run(
            docId,
            c.ord,
            c.start,
            c.end,
            JSON.stringify(c.headingPath),
            c.page,
            c.line,
            c.text,
            c.passageHash ?? null,
          ).lastInsertRowid,
        );
        this.st.insertFts.run(chunkId, c.fts.body, c.fts.chars);
        for (const set of sets) {
          const vectors = doc.vectors.get(set.id);
          if (vectors) this.vectorTables.insert(set, chunkId, vectors, i);
        }
      }
      return docId;
    });
  }

  /** Records a file that could not be indexed (its old chunks, if any, leave the index). */
  writeFailure(file: DocumentFile, error: string, sets: VectorSet[] = listVectorSets(this.db)): void {
    this.atomically(() => {
      this.upsert(
        file,
        { hash: null, type: null, title: null, encoding: null, status: 'failed', error, chunks: 0 },
        sets,
      );
    });
  }

  remove(documentId: number): void {
    this.atomically(() => {
      this.deleteChunksOf(documentId, listVectorSets(this.db));
      this.st.deleteDoc.run(documentId);
    });
  }

  /**
   * `fn` in a transaction of its own, or in the caller's when there is one. Nested, it
   * would be a SAVEPOINT, and FTS5 writes its pending terms out as a new segment at
   * every savepoint: writing many small documents in one batch cost twice as much.
   * A caller's transaction is all-or-nothing already (no caller catches inside it).
   * IMMEDIATE, as every write transaction of the engine: it takes the write lock first,
   * waiting out another writer; a deferred one that has read fails at once (SQLITE_BUSY)
   * when another connection committed meanwhile — the app logging an answer during an ingest.
   */
  private atomically<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn).immediate();
  }

  /** Same content under a new name (in its folder or another of the library's): the document keeps its chunks and vectors. */
  rename(documentId: number, file: DocumentFile): void {
    this.st.rename.run(
      file.folderId,
      file.relPath,
      file.size,
      file.mtimeMs,
      new Date().toISOString(),
      documentId,
    );
  }

  /** Content unchanged (same hash) but mtime moved: remember the new size/mtime so the next scan skips it cheaply. */
  touch(documentId: number, size: number, mtimeMs: number): void {
    this.st.touch.run(size, mtimeMs, documentId);
  }

  private upsert(
    file: DocumentFile,
    fields: {
      hash: string | null;
      type: string | null;
      title: string | null;
      encoding: string | null;
      status: 'ok' | 'failed';
      error: string | null;
      chunks: number;
    },
    sets: VectorSet[],
  ): number {
    const existing = this.st.byPath.get(file.folderId, file.relPath) as { id: number } | undefined;
    const row = {
      ...fields,
      size: file.size,
      mtimeMs: file.mtimeMs,
      indexedAt: new Date().toISOString(),
      reader: file.reader ?? null,
    };
    if (existing) {
      this.deleteChunksOf(existing.id, sets);
      this.st.updateDoc.run({ ...row, id: existing.id });
      return existing.id;
    }
    return Number(
      this.st.insertDoc.run({ ...row, folderId: file.folderId, relPath: file.relPath }).lastInsertRowid,
    );
  }

  private deleteChunksOf(documentId: number, sets: VectorSet[]): void {
    for (const id of this.st.chunkIds.all(documentId) as number[]) {
      this.st.deleteFts.run(id);
      for (const set of sets) this.vectorTables.delete(set, id);
    }
    this.st.deleteChunks.run(documentId);
  }
}
