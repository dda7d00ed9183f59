import type { Database, Statement } from 'better-sqlite3';

/**
 * Vectors live in one vec0 table per answer tower ("vector set"). Exactly one set
 * is `active` (search reads it); while the library switches to a new answer
 * tower a second set is `building` in the background, and on completion it
 * becomes active and the old one is dropped in one transaction, so search
 * never sees a half-embedded library.
 *
 * Each table holds the float vector (cosine) and its sign bits (bit[D]) for the
 * binary-quantised coarse search used on large libraries.
 */
export interface VectorSet extends PackIdentity {
  id: number;
  tableName: string;
  state: 'building' | 'active';
  cursor: number;
}

/** The pack (and its towers) that made a set's vectors. */
export interface PackIdentity {
  answerHash: string;
  questionHash: string;
  packName: string;
  packVersion: string;
  packDir: string;
  dim: number;
}

interface VectorSetRow {
  id: number;
  table_name: string;
  answer_hash: string;
  question_hash: string;
  pack_name: string;
  pack_version: string;
  pack_dir: string;
  dim: number;
  state: 'building' | 'active';
  cursor: number;
}

function fromRow(r: VectorSetRow): VectorSet {
  return {
    id: r.id,
    tableName: r.table_name,
    answerHash: r.answer_hash,
    questionHash: r.question_hash,
    packName: r.pack_name,
    packVersion: r.pack_version,
    packDir: r.pack_dir,
    dim: r.dim,
    state: r.state,
    cursor: r.cursor,
  };
}

export function listVectorSets(db: Database): VectorSet[] {
  return (db.prepare('SELECT * FROM vector_sets ORDER BY id').all() as VectorSetRow[]).map(fromRow);
}

export function activeVectorSet(db: Database): VectorSet | null {
  const row = db.prepare(`SELECT * FROM vector_sets WHERE state = 'active'`).get() as
    VectorSetRow | undefined;
  return row ? fromRow(row) : null;
}

/**
 * Vectors per vec0 storage chunk (sqlite-vec's default is 1024). Reading one
 * vector by id walks its chunk's blob: measured 235 µs per lookup at 1024 and
 * 18 µs at 32 on 100k × 256 floats, with the same KNN scan time. Rescoring
 * binary-search candidates reads a thousand vectors per question.
 */
const VEC0_CHUNK_SIZE = 32;

/** A new, empty set. `active` only when the library has no active set yet (first ingest). */
export function createVectorSet(db: Database, pack: PackIdentity, state: 'building' | 'active'): VectorSet {
  if (!Number.isInteger(pack.dim) || pack.dim <= 0) throw new Error(`invalid vector dimension ${pack.dim}`);
  return db
    .transaction(() => {
      const info = db
        .prepare(
          `INSERT INTO vector_sets(table_name, answer_hash, question_hash, pack_name, pack_version, pack_dir, dim, state, created_at)
         VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          pack.answerHash,
          pack.questionHash,
          pack.packName,
          pack.packVersion,
          pack.packDir,
          pack.dim,
          state,
          new Date().toISOString(),
        );
      const id = Number(info.lastInsertRowid);
      const tableName = `vectors_${id}`;
      db.exec(
        `CREATE VIRTUAL TABLE ${tableName} USING vec0(
         chunk_id INTEGER PRIMARY KEY,
         embedding float[${pack.dim}] distance_metric=cosine,
         coarse bit[${coarseBits(pack.dim)}],
         chunk_size=${VEC0_CHUNK_SIZE}
       )`,
      );
      db.prepare('UPDATE vector_sets SET table_name = ? WHERE id = ?').run(tableName, id);
      return fromRow(db.prepare('SELECT * FROM vector_sets WHERE id = ?').get(id) as VectorSetRow);
    })
    .immediate();
}

/** Removes a set and its vec0 table. */
export function dropVectorSet(db: Database, set: VectorSet): void {
  db.transaction(() => {
    db.exec(`DROP TABLE IF EXISTS ${set.tableName}`);
    db.prepare('DELETE FROM vector_sets WHERE id = ?').run(set.id);
  }).immediate();
}

/** Makes `id` the active set and drops every other set (their vec0 tables too). */
export function activateVectorSet(db: Database, id: number): void {
  db.transaction(() => {
    for (const set of listVectorSets(db)) if (set.id !== id) dropVectorSet(db, set);
    db.prepare(`UPDATE vector_sets SET state = 'active' WHERE id = ?`).run(id);
  }).immediate();
}

/** Updates the question-tower identity of a set (a question-only pack change needs no re-embedding). */
export function updateQuestionTower(db: Database, id: number, pack: PackIdentity): void {
  db.prepare(
    'UPDATE vector_sets SET question_hash = ?, pack_name = ?, pack_version = ?, pack_dir = ? WHERE id = ?',
  ).run(pack.questionHash, pack.packName, pack.packVersion, pack.packDir, id);
}

export function setCursor(db: Database, id: number, cursor: number): void {
  db.prepare('UPDATE vector_sets SET cursor = ? WHERE id = ?').run(cursor, id);
}

/** The bit column's width: the dimension rounded up to whole bytes (padding bits stay 0). */
export function coarseBits(dim: number): number {
  return Math.ceil(dim / 8) * 8;
}

/** Sign bits of one vector, little-endian within each byte (sqlite-vec's bit[] layout). */
export function signBits(vectors: Float32Array, offset: number, dim: number): Buffer {
  const bits = Buffer.alloc(coarseBits(dim) >> 3);
  for (let j = 0; j < dim; j++) if (vectors[offset + j] > 0) bits[j >> 3] |= 1 << (j & 7);
  return bits;
}

/** Prepared statements per vector table, cached per connection. */
export class VectorTables {
  private readonly inserts = new Map<string, Statement>();
  private readonly deletes = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  insert(set: VectorSet, chunkId: number, vectors: Float32Array, row: number): void {
    let st = this.inserts.get(set.tableName);
    if (!st) {
      st = this.db.prepare(
        `INSERT INTO ${set.tableName}(chunk_id, embedding, coarse) VALUES (?, ?, vec_bit(?))`,
      );
      this.inserts.set(set.tableName, st);
    }
    const offset = row * set.dim;
    st.run(BigInt(chunkId), vectors.subarray(offset, offset + set.dim), signBits(vectors, offset, set.dim));
  }

  delete(set: VectorSet, chunkId: number): void {
    let st = this.deletes.get(set.tableName);
    if (!st) {
      st = this.db.prepare(`DELETE FROM ${set.tableName} WHERE chunk_id = ?`);
      this.deletes.set(set.tableName, st);
    }
    st.run(BigInt(chunkId));
  }
}
