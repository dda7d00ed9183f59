import type { Database, Statement } from 'better-sqlite3';
import { coarseBits, type VectorSet } from '../store/vectorSets.js';

const STALE_FRACTION = 0.2;

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * The sign bits of every vector in a set, in memory (dim/8 bytes per chunk:
 * 32 MB for 1M chunks at 256 dimensions), scanned by Hamming distance. Source of
 * truth is the vec0 table's `coarse` bit column; new chunks are appended as they
 * appear (chunk ids only grow), deleted ones are dropped at rescoring time and
 * the whole index is reloaded once too many are stale.
 */
export class BinaryIndex {
  private readonly words: number;
  private ids = new Float64Array(0);
  private bits = new Uint32Array(0);
  private size = 0;
  private maxId = 0;
  private readonly newChunks: Statement;
  private readonly coarseOf: Statement;

  constructor(
    private readonly db: Database,
    private readonly set: VectorSet,
  ) {
    this.words = Math.ceil(coarseBits(set.dim) / 32);
    this.newChunks = db.prepare('SELECT id FROM chunks WHERE id > ? ORDER BY id').pluck();
    this.coarseOf = db.prepare(`SELECT coarse FROM ${set.tableName} WHERE chunk_id = ?`).pluck();
  }

  get length(): number {
    return this.size;
  }

  /** Brings the index up to date; `chunkCount` is the library's current number of chunks. */
  refresh(chunkCount: number): void {
    if (this.size === 0 || this.size - chunkCount > this.size * STALE_FRACTION) {
      this.reload();
      return;
    }
    const ids = this.newChunks.all(this.maxId) as number[];
    for (const id of ids) {
      const blob = this.coarseOf.get(BigInt(id)) as Buffer | undefined;
      if (blob) this.append(id, blob);
      this.maxId = Math.max(this.maxId, id);
    }
  }

  private reload(): void {
    this.size = 0;
    this.maxId = 0;
    const rows = this.db.prepare(`SELECT chunk_id, coarse FROM ${this.set.tableName}`).raw();
    for (const [id, blob] of rows.iterate() as Iterable<[number, Buffer]>) {
      this.append(id, blob);
      if (id > this.maxId) this.maxId = id;
    }
  }

  private append(id: number, blob: Buffer): void {
    if (this.size === this.ids.length) {
      const cap = Math.max(1024, this.ids.length * 2);
      const ids = new Float64Array(cap);
      ids.set(this.ids);
      const bits = new Uint32Array(cap * this.words);
      bits.set(this.bits);
      this.ids = ids;
      this.bits = bits;
    }
    this.ids[this.size] = id;
    const o = this.size * this.words;
    for (let w = 0; w < this.words; w++) {
      const b = w * 4;
      this.bits[o + w] =
        ((blob[b] ?? 0) |
          ((blob[b + 1] ?? 0) << 8) |
          ((blob[b + 2] ?? 0) << 16) |
          ((blob[b + 3] ?? 0) << 24)) >>>
        0;
    }
    this.size++;
  }

  /** Chunk ids of the (about) `n` vectors nearest to `queryBits` by Hamming distance. */
  nearest(queryBits: Uint8Array, n: number): number[] {
    const W = this.words;
    const q = new Uint32Array(W);
    for (let w = 0; w < W; w++) {
      const b = w * 4;
      q[w] =
        ((queryBits[b] ?? 0) |
          ((queryBits[b + 1] ?? 0) << 8) |
          ((queryBits[b + 2] ?? 0) << 16) |
          ((queryBits[b + 3] ?? 0) << 24)) >>>
        0;
    }
    const size = this.size;
    const bits = this.bits;
    const dist = new Uint16Array(size);
    const hist = new Uint32Array(W * 32 + 1);
    for (let i = 0, o = 0; i < size; i++, o += W) {
      let d = 0;
      for (let w = 0; w < W; w++) d += popcount(bits[o + w] ^ q[w]);
      dist[i] = d;
      hist[d]++;
    }
    // The distance at which the n nearest are reached; ties at the edge are cut in index order.
    let threshold = 0;
    for (let acc = 0; threshold < hist.length; threshold++) {
      acc += hist[threshold];
      if (acc >= n) break;
    }
    const out: number[] = [];
    let atEdge = n - (threshold > 0 ? hist.slice(0, threshold).reduce((a, b) => a + b, 0) : 0);
    for (let i = 0; i < size && out.length < n; i++) {
      const d = dist[i];
      if (d < threshold) out.push(this.ids[i]);
      else if (d === threshold && atEdge > 0) {
        out.push(this.ids[i]);
        atEdge--;
      }
    }
    return out;
  }
}
