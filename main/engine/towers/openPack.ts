import os from 'node:os';
import path from 'node:path';
import { describeError, UserError } from '../errors.js';
import { parseCommonManifest, parseHashedManifest, type HashedManifest } from './manifest.js';
import { checkTower, readPackManifest, verifiedHash, type CheckedTower } from './packFiles.js';
import { towerHash } from './towerIdentity.js';
import { TowerPool } from './towerPool.js';
import { openTransformerPack } from './transformer/index.js';
import type { ActiveProvider, OpenPackOptions, TowerId, TowerPack } from './types.js';

/** Answer-tower workers when not given: one per core, at most 4. */
export function defaultTowerWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** Padded feature slots per ONNX run in a worker (keeps the gathered rows tensor in cache). */
const BATCH_FEATURES = 4 * 1024;

/** Read the manifest, dispatch on kind. */
export async function openPack(dir: string, options: OpenPackOptions = {}): Promise<TowerPack> {
  const { root, raw, file } = await readPackManifest(dir);
  const common = parseCommonManifest(raw, file);
  if (common.kind === 'transformer') return openTransformerPack(root, raw, options);
  return HashedTowerPack.open(root, parseHashedManifest(raw, file), raw, options);
}

const loggedFallbacks = new Set<string>();

class HashedTowerPack implements TowerPack {
  readonly kind = 'hashed-ngram';

  private constructor(
    readonly dir: string,
    readonly manifest: Record<string, unknown>,
    private readonly parsed: HashedManifest,
    readonly questionTower: TowerId,
    readonly answerTower: TowerId,
    readonly provider: ActiveProvider,
    private readonly questions: TowerPool,
    private readonly answers: TowerPool,
  ) {}

  get name(): string {
    return this.parsed.name;
  }
  get version(): string {
    return this.parsed.version;
  }
  get dim(): number {
    return this.parsed.dim;
  }

  static async open(
    root: string,
    m: HashedManifest,
    raw: Record<string, unknown>,
    options: OpenPackOptions,
  ): Promise<HashedTowerPack> {
    const requested = options.provider ?? 'auto';
    const featurizer = m.hashedNgram.featurizer;
    const towers = [await checkTower(root, m, 'question'), await checkTower(root, m, 'passage')] as const;

    const abort = new AbortController();
    const start = (tower: CheckedTower, count: number): Promise<TowerPool> =>
      TowerPool.start(
        count,
        {
          model: tower.model,
          featurizer,
          role: tower.role,
          provider: requested,
          threads: options.threads ?? 1,
          batchFeatures: BATCH_FEATURES,
        },
        abort.signal,
      ).catch((e: unknown) => {
        throw new UserError(`cannot load tower model ${tower.model}: ${describeError(e)}`, tower.model, {
          cause: e,
        });
      });
    // Workers boot while this thread hashes the external weight files.
    const pools = Promise.allSettled([
      start(towers[0], 1),
      start(towers[1], options.workers ?? defaultTowerWorkers()),
    ]);
    const closeAll = async (): Promise<void> => {
      for (const p of await pools) if (p.status === 'fulfilled') await p.value.close();
    };
    const fileHashes = new Map<string, Promise<string>>();
    const towerId = async (t: CheckedTower): Promise<TowerId> => {
      const external = new Map<string, string>();
      for (const name of t.externalFiles) {
        if (!fileHashes.has(name)) fileHashes.set(name, verifiedHash(root, m, name));
        external.set(name, await fileHashes.get(name)!);
      }
      return { pack: m.name, version: m.version, hash: towerHash(t.bytes, external, featurizer, t.role) };
    };
    let ids: TowerId[];
    try {
      ids = [await towerId(towers[0]), await towerId(towers[1])];
    } catch (e) {
      abort.abort();
      await closeAll();
      throw e;
    }
    const [questions, answers] = await pools;
    if (questions.status === 'rejected' || answers.status === 'rejected') {
      await closeAll();
      throw questions.status === 'rejected' ? questions.reason : (answers as PromiseRejectedResult).reason;
    }
    for (const [tower, pool] of [
      [towers[0], questions.value],
      [towers[1], answers.value],
    ] as const) {
      if (pool.dim !== m.dim) {
        await closeAll();
        throw new UserError(
          `pack ${root}: manifest says dim ${m.dim} but ${path.basename(tower.model)} outputs ${pool.dim}`,
          tower.model,
        );
      }
    }
    const ready = questions.value.ready;
    if (ready.fallbackReason) {
      const line = `[docqa] ${m.name}: execution provider ${requested} unavailable, using ${ready.active}: ${ready.fallbackReason}`;
      if (!loggedFallbacks.has(line)) {
        loggedFallbacks.add(line);
        console.warn(line);
      }
    }
    const provider: ActiveProvider = {
      requested,
      active: ready.active,
      fallbackReason: ready.fallbackReason,
    };
    return new HashedTowerPack(root, raw, m, ids[0]!, ids[1]!, provider, questions.value, answers.value);
  }

  embedQuestions(texts: string[]): Promise<Float32Array> {
    return this.questions.embed(texts);
  }

  embedAnswers(texts: string[]): Promise<Float32Array> {
    return this.answers.embed(texts);
  }

  async close(): Promise<void> {
    await Promise.all([this.questions.close(), this.answers.close()]);
  }
}
