import { describeError, UserError } from '../errors.js';
import type { ProviderName } from './types.js';
import type { TowerPack } from '../towers/types.js';
import type { Db } from '../store/database.js';
import type { PackCache } from './packCache.js';
import { activeVectorSet, createVectorSet, type PackIdentity, type VectorSet } from '../store/vectorSets.js';

export function packIdentity(pack: TowerPack): PackIdentity {
  return {
    answerHash: pack.answerTower.hash,
    questionHash: pack.questionTower.hash,
    packName: pack.name,
    packVersion: pack.version,
    packDir: pack.dir,
    dim: pack.dim,
  };
}

export interface PackOpenOptions {
  provider: ProviderName;
  workers?: number;
}

/**
 * The tower packs an indexing run embeds with: the library's current pack, plus
 * the pack recorded for any vector set with a different answer tower (the old
 * set keeps serving search until a re-embedding replaces it, so new files need
 * vectors from its tower too).
 */
export class PackSet {
  constructor(
    private readonly current: TowerPack,
    private readonly cache: PackCache,
    private readonly options: PackOpenOptions,
  ) {}

  /** The set whose vectors this library serves, created for the current pack on first use. */
  ensureActiveSet(db: Db): VectorSet {
    return activeVectorSet(db) ?? createVectorSet(db, packIdentity(this.current), 'active');
  }

  /** One pack per vector set that needs vectors (sets whose pack cannot be opened while building are left to the re-embedding). */
  async embeddersFor(sets: VectorSet[]): Promise<Map<number, TowerPack>> {
    const out = new Map<number, TowerPack>();
    for (const set of sets) {
      try {
        out.set(set.id, await this.packFor(set));
      } catch (e) {
        if (set.state === 'active') throw e;
      }
    }
    return out;
  }

  async packFor(set: VectorSet): Promise<TowerPack> {
    if (set.answerHash === this.current.answerTower.hash) return this.current;
    let pack: TowerPack;
    try {
      pack = await this.cache.open(set.packDir, {
        provider: this.options.provider,
        workers: this.options.workers,
      });
    } catch (e) {
      throw new UserError(
        `the library's vectors were made by pack "${set.packName}" (${set.packDir}), which cannot be opened: ${describeError(e)}; re-embed the library with the current pack`,
        set.packDir,
      );
    }
    if (pack.answerTower.hash !== set.answerHash) {
      throw new UserError(
        `pack ${set.packDir} has changed since it made the library's vectors; re-embed the library with the current pack`,
        set.packDir,
      );
    }
    return pack;
  }
}
