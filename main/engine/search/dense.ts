import type { Database, Statement } from 'better-sqlite3';
import { signBits, type VectorSet } from '../store/vectorSets.js';
import { BinaryIndex } from './binaryIndex.js';

/** Below this many vectors, exact float KNN in vec0 is fast enough; above, binary coarse search + float rescoring. */
export const EXACT_KNN_MAX_VECTORS = 20_000;
/** Coarse candidates rescored with float vectors per wanted result (at least `MIN_RESCORE`). */
const RESCORE_FACTOR = 6;
const MIN_RESCORE = 600;

export type KnnPath = 'exact' | 'binary';

/**
 * Dense recall over one vector set: question vector → nearest chunks by cosine.
 * Small libraries use vec0's exact KNN; large ones scan the sign bits (kept in
 * memory, 1 bit per dimension) and rescore the best candidates with their float
 * vectors from vec0, which keeps 1M chunks well inside the latency budget.
 */
export class DenseChannel {
  private readonly knn: Statement;
  private readonly vector: Statement;
  private readonly count: Statement;
  private binary: BinaryIndex | null = null;
  private vectorCount = -1;
  private countCheckedAt = 0;

  constructor(
    private readonly db: Database,
    readonly set: VectorSet,
    /** Up to this many vectors, exact KNN; above, binary coarse search + rescoring. */
    private readonly exactMaxVectors = EXACT_KNN_MAX_VECTORS,
  ) {
    this.knn = db.prepare(
      `SELECT chunk_id, distance FROM ${set.tableName} WHERE embedding MATCH ? AND k = ?`,
    );
    this.vector = db.prepare(`SELECT embedding FROM ${set.tableName} WHERE chunk_id = ?`).pluck();
    this.count = db.prepare('SELECT COUNT(*) FROM chunks').pluck();
  }

  /** How many chunks the library has (re-counted at most every few seconds: COUNT(*) walks the table). */
  private chunkCount(): number {
    const now = Date.now();
    if (this.vectorCount < 0 || now - this.countCheckedAt > 5000) {
      this.vectorCount = this.count.get() as number;
      this.countCheckedAt = now;
    }
    return this.vectorCount;
  }

  choosePath(): KnnPath {
    return this.chunkCount() <= this.exactMaxVectors ? 'exact' : 'binary';
  }

  /** Top `k` chunks by cosine similarity (chunk id → cosine). */
  top(question: Float32Array, k: number, path: KnnPath = this.choosePath()): Map<number, number> {
    return path === 'exact' ? this.exact(question, k) : this.coarseThenRescore(question, k);
  }

  exact(question: Float32Array, k: number): Map<number, number> {
    const out = new Map<number, number>();
    const rows = this.knn.all(question, Math.min(k, 4096)) as { chunk_id: number; distance: number }[];
    for (const r of rows) out.set(r.chunk_id, 1 - r.distance);
    return out;
  }

  coarseThenRescore(question: Float32Array, k: number): Map<number, number> {
    const index = this.binaryIndex();
    const candidates = index.nearest(
      signBits(question, 0, this.set.dim),
      Math.max(MIN_RESCORE, k * RESCORE_FACTOR),
    );
    const scored = this.similarities(question, candidates);
    return new Map([...scored].sort((a, b) => b[1] - a[1]).slice(0, k));
  }

  /** The stored vectors of specific chunks (copies; read only: the answer tower's output is never changed). */
  vectors(chunkIds: Iterable<number>): Map<number, Float32Array> {
    const out = new Map<number, Float32Array>();
    for (const id of chunkIds) {
      const v = this.storedVector(id);
      if (v) out.set(id, v.slice());
    }
    return out;
  }

  /** Cosine of the question with specific chunks (vectors are L2-normalised). Missing chunks are absent. */
  similarities(question: Float32Array, chunkIds: Iterable<number>): Map<number, number> {
    const out = new Map<number, number>();
    const dim = this.set.dim;
    for (const id of chunkIds) {
      const v = this.storedVector(id);
      if (!v) continue;
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += v[j] * question[j];
      out.set(id, dot);
    }
    return out;
  }

  /** A chunk's stored vector: a view on the row's bytes when they are aligned, else a copy. */
  private storedVector(id: number): Float32Array | null {
    const blob = this.vector.get(BigInt(id)) as Buffer | undefined;
    if (!blob) return null;
    const dim = this.set.dim;
    return blob.byteOffset % 4 === 0
      ? new Float32Array(blob.buffer, blob.byteOffset, dim)
      : new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + dim * 4));
  }

  private binaryIndex(): BinaryIndex {
    if (!this.binary) this.binary = new BinaryIndex(this.db, this.set);
    this.binary.refresh(this.chunkCount());
    return this.binary;
  }
}
