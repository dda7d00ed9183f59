import type { Statement } from 'better-sqlite3';
import { storedPassageText } from '../text/passageText.js';
import { openDatabase } from '../store/database.js';
import { explainDiskFull } from '../store/diskFull.js';
import {
  activateVectorSet,
  activeVectorSet,
  createVectorSet,
  dropVectorSet,
  listVectorSets,
  setCursor,
  updateQuestionTower,
  VectorTables,
} from '../store/vectorSets.js';
import type { PackCache } from './packCache.js';
import { packIdentity } from './packSet.js';
import type { ProviderName } from './types.js';

export interface ReembedJobParams {
  dbPath: string;
  packDir: string;
  provider: ProviderName;
  towerWorkers: number;
}

export interface ReembedProgress {
  phase: 'embedding' | 'done' | 'cancelled';
  chunksDone: number;
  chunksTotal: number;
  /** Chunks per second so far. */
  rate: number;
  etaSeconds: number | null;
  elapsedMs: number;
}

/** Chunks per embedAnswers call (transformer packs want ≥ 32). */
const BATCH = 256;
const EMIT_INTERVAL_MS = 200;

interface ChunkText {
  id: number;
  text: string;
  heading_path: string;
  title: string | null;
}

/**
 * Gives the library vectors from `packDir`'s answer tower. A pack whose answer
 * tower already made the active vectors (only the question tower differs) needs
 * nothing but a note. Otherwise a new vector set is filled in chunk-id order
 * from the stored chunk texts, resumable through its cursor, while search keeps
 * reading the old set; when every chunk has a vector it becomes active and the
 * old set is dropped, in one transaction. New chunks written meanwhile by an
 * indexing run get vectors for both sets there, or are picked up here.
 */
export async function runReembedJob(
  params: ReembedJobParams,
  onProgress: (p: ReembedProgress) => void,
  signal: AbortSignal,
  cache: PackCache,
): Promise<ReembedProgress> {
  const pack = await cache.open(params.packDir, {
    provider: params.provider,
    workers: params.towerWorkers || undefined,
  });
  const db = openDatabase(params.dbPath);
  const started = Date.now();
  let done = 0;
  let total = 0;
  let lastEmit = 0;
  const snapshot = (phase: ReembedProgress['phase']): ReembedProgress => {
    const elapsedMs = Date.now() - started;
    const rate = done / Math.max(elapsedMs / 1000, 1e-3);
    return {
      phase,
      chunksDone: done,
      chunksTotal: total,
      rate,
      etaSeconds: rate > 0 ? Math.round((total - done) / rate) : null,
      elapsedMs,
    };
  };
  try {
    const identity = packIdentity(pack);
    const active = activeVectorSet(db);
    for (const s of listVectorSets(db)) {
      // A half-built set for some other pack is abandoned.
      if (s.state === 'building' && s.answerHash !== identity.answerHash) dropVectorSet(db, s);
    }
    if (active?.answerHash === identity.answerHash) {
      updateQuestionTower(db, active.id, identity);
      const end = snapshot('done');
      onProgress(end);
      return end;
    }
    const target =
      listVectorSets(db).find((s) => s.state === 'building' && s.answerHash === identity.answerHash) ??
      createVectorSet(db, identity, active ? 'building' : 'active');
    const tables = new VectorTables(db);
    const next: Statement = db.prepare(
      `SELECT c.id, c.text, c.heading_path, d.title FROM chunks c JOIN documents d ON d.id = c.document_id
       WHERE c.id > ? ORDER BY c.id LIMIT ?`,
    );
    const exists = db.prepare('SELECT 1 FROM chunks WHERE id = ?').pluck();
    const hasVector = db.prepare(`SELECT 1 FROM ${target.tableName} WHERE chunk_id = ?`).pluck();
    const remaining = db.prepare('SELECT COUNT(*) FROM chunks WHERE id > ?').pluck();
    let cursor = target.cursor;
    total = db.prepare('SELECT COUNT(*) FROM chunks').pluck().get() as number;
    done = total - (remaining.get(cursor) as number);
    for (;;) {
      if (signal.aborted) {
        const end = snapshot('cancelled');
        onProgress(end);
        return end;
      }
      const rows = next.all(cursor, BATCH) as ChunkText[];
      if (!rows.length) {
        const switched = db
          .transaction(() => {
            if ((remaining.get(cursor) as number) > 0) return false;
            activateVectorSet(db, target.id);
            return true;
          })
          .immediate();
        if (switched) break;
        continue;
      }
      const vectors = await pack.embedAnswers(rows.map(storedPassageText));
      db.transaction(() => {
        rows.forEach((r, i) => {
          if (exists.get(r.id) && !hasVector.get(BigInt(r.id))) tables.insert(target, r.id, vectors, i);
        });
        cursor = rows[rows.length - 1].id;
        setCursor(db, target.id, cursor);
      }).immediate();
      done += rows.length;
      total = Math.max(total, done);
      if (Date.now() - lastEmit >= EMIT_INTERVAL_MS) {
        lastEmit = Date.now();
        onProgress(snapshot('embedding'));
      }
    }
    total = done;
    const end = snapshot('done');
    onProgress(end);
    return end;
  } catch (e) {
    // The vectors written so far stay (the set's cursor): the next run carries on from there.
    throw explainDiskFull(e, params.dbPath);
  } finally {
    db.close();
  }
}
