import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { storedPassageText, type StoredChunkText } from '../text/passageText.js';
import type { VectorSet } from './vectorSets.js';

interface ChunkText extends StoredChunkText {
  id: number;
}

/**
 * The vectors passages already have, by passage text, so that indexing a file again (an
 * edit, a forced re-index, a newer reader) embeds only the passages whose text changed,
 * and a copy of a file already indexed none: the answer tower is the slow half of
 * indexing, and a passage's vector depends on its text alone (title, headings and body,
 * as `passageText` joins them). A vector set without a vector for a passage (a set still
 * being built) gives none for it.
 */
export class KeptVectors {
  private readonly chunksOf: Statement;
  private readonly byHash: Statement;
  private readonly chunksOfDocument: Statement;
  private readonly vectorStatements = new Map<string, Statement>();
  /** Passages of documents this run removed, with their vectors by vector-set id (`keepRemoved`). */
  private readonly removed = new Map<string, Map<number, Float32Array>>();
  private readonly chunksOfFolder: Statement;
  /** JSON list of the removals being undone (`usePutBack`); null: none. */
  private putBack: string | null = null;
  private putBackVector: Statement | null = null;

  constructor(private readonly db: Database) {
    this.chunksOf = db.prepare(
      `SELECT c.id, c.heading_path, c.text, d.title
         FROM documents d JOIN chunks c ON c.document_id = d.id
        WHERE d.folder_id = ? AND d.rel_path = ? AND d.status = 'ok'`,
    );
    this.byHash = db.prepare(
      `SELECT c.id, c.heading_path, c.text, d.title
         FROM chunks c JOIN documents d ON d.id = c.document_id
        WHERE c.passage_hash = ? LIMIT 8`,
    );
    this.chunksOfFolder = db.prepare(
      `SELECT c.id, c.heading_path, c.text, d.title
         FROM documents d JOIN chunks c ON c.document_id = d.id
        WHERE d.folder_id = ? AND c.id > ? ORDER BY c.id LIMIT 1000`,
    );
    this.chunksOfDocument = db.prepare(
      `SELECT c.id, c.heading_path, c.text, d.title
         FROM documents d JOIN chunks c ON c.document_id = d.id
        WHERE d.id = ?`,
    );
  }

  /**
   * Holds on to the passages and vectors of documents about to be removed, up to `maxBytes`: a run
   * removes what is gone before it reads what is new, and a file moved and edited on the way (which
   * no rename pairs) is both. Call before removing them.
   */
  keepRemoved(documentIds: readonly number[], sets: readonly VectorSet[], maxBytes: number): void {
    let bytes = 0;
    for (const id of documentIds) {
      for (const r of this.chunksOfDocument.iterate(id) as Iterable<ChunkText>) {
        const passage = storedPassageText(r);
        if (this.removed.has(passage)) continue;
        const vectors = new Map<number, Float32Array>();
        for (const set of sets) {
          const v = this.vector(set, r.id);
          if (v) vectors.set(set.id, v);
        }
        bytes += passage.length * 2 + [...vectors.values()].reduce((n, v) => n + v.byteLength, 0);
        if (bytes > maxBytes) return;
        this.removed.set(passage, vectors);
      }
    }
  }

  /**
   * The vector a removed passage with this text had in `set`: one this run removed
   * (`keepRemoved`), else one kept for a folder being put back (`keepForUndo`), or null.
   */
  removedVector(passage: string, set: VectorSet): Float32Array | null {
    const here = this.removed.get(passage)?.get(set.id);
    if (here) return here;
    if (this.putBack === null) return null;
    this.putBackVector ??= this.db
      .prepare(
        `SELECT vector FROM removed_vectors WHERE set_id = ? AND passage = ?
           AND removal_id IN (SELECT value FROM json_each(?)) LIMIT 1`,
      )
      .pluck();
    const bytes = this.putBackVector.get(set.id, undoKey(passage), this.putBack) as Buffer | undefined;
    return bytes && bytes.byteLength === set.dim * 4 ? floats(bytes, set.dim) : null;
  }

  /** Removals being undone whose kept vectors this run may take (store/removedFolders.ts). */
  usePutBack(removalIds: readonly number[]): void {
    this.putBack = removalIds.length ? JSON.stringify(removalIds) : null;
  }

  /**
   * Keeps the vectors of a folder's passages for an undo of its removal, by passage text,
   * up to `maxBytes` (a passage past that is embedded again if the folder comes back).
   * Call in the removal's transaction, before its documents go. Returns the bytes kept.
   */
  keepForUndo(removalId: number, folderId: number, sets: readonly VectorSet[], maxBytes: number): number {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO removed_vectors(removal_id, set_id, passage, vector) VALUES (?, ?, ?, ?)',
    );
    let bytes = 0;
    // In pages: SQLite takes no write while a read is open on the same connection.
    let after = 0;
    for (;;) {
      const page = this.chunksOfFolder.all(folderId, after) as ChunkText[];
      if (!page.length) return bytes;
      for (const r of page) {
        const key = undoKey(storedPassageText(r));
        for (const set of sets) {
          const v = this.vector(set, r.id);
          if (!v) continue;
          bytes += v.byteLength + key.byteLength;
          if (bytes > maxBytes) return bytes - v.byteLength - key.byteLength;
          insert.run(removalId, set.id, key, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
        }
      }
      after = page[page.length - 1]!.id;
    }
  }

  /** A chunk anywhere in the library with this passage text (`hash` its `passageHash`), if any. */
  elsewhere(passage: string, hash: number): number | undefined {
    for (const r of this.byHash.iterate(hash) as Iterable<ChunkText>)
      if (storedPassageText(r) === passage) return r.id;
    return undefined;
  }

  /** Chunk id of each passage text the file has in the index now (empty for a new or failed file). */
  passagesOf(folderId: number, relPath: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.chunksOf.iterate(folderId, relPath) as Iterable<ChunkText>)
      out.set(storedPassageText(r), r.id);
    return out;
  }

  /** The vector `set` holds for a chunk, or null when it holds none. */
  vector(set: VectorSet, chunkId: number): Float32Array | null {
    let st = this.vectorStatements.get(set.tableName);
    if (!st) {
      st = this.db.prepare(`SELECT embedding FROM ${set.tableName} WHERE chunk_id = ?`).pluck();
      this.vectorStatements.set(set.tableName, st);
    }
    const bytes = st.get(BigInt(chunkId)) as Buffer | undefined;
    if (!bytes || bytes.byteLength !== set.dim * 4) return null;
    return floats(bytes, set.dim);
  }
}

/** A copy: the buffer SQLite hands back need not be aligned for a Float32Array view. */
function floats(bytes: Buffer, dim: number): Float32Array {
  const out = new Float32Array(dim);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** A kept vector's key: its passage text's SHA-1 (no text is kept, and two texts never share one). */
const undoKey = (passage: string): Buffer => createHash('sha1').update(passage).digest();
