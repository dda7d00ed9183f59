import os from 'node:os';
import path from 'node:path';
import { describeError, UserError } from '../errors.js';
import { parseCommonManifest, parseHashedManifest, type HashedManifest } from './manifest.js';
import { INTEGER_WEIGHT_MAX } from './onnx/hashedTower.js';
import { checkTower, readPackManifest, type CheckedTower } from './packFiles.js';
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

/**
 * A tower whose int8 table is summed by MatMulInteger (int8Compute
 * 'integer') must quantise its weights to 7 bits: the 8-bit graphs of earlier
 * versions gave different vectors on x86 CPUs without VNNI (see
 * onnx/hashedTower.ts), so a library indexed on one machine would not match
 * questions embedded on another. Such a pack is refused, not run; its weights
 * stay readable (readHashedPack, `docqa train --init-from`) to write it again.
 */
function checkIntegerWeightRange(tower: CheckedTower): void {
  const range = tower.info.initializers.find((i) => i.name === 'q_range');
  if (!range) return;
  const value =
    range.dataType === 1 && range.raw?.byteLength === 4
      ? new DataView(range.raw.buffer, range.raw.byteOffset, 4).getFloat32(0, true)
      : Number.NaN;
  if (value > 0 && value <= INTEGER_WEIGHT_MAX) return;
  throw new UserError(
    `tower model ${tower.model} sums its int8 table with 8-bit weights (int8Compute "integer" of an older DocQA), which gives different vectors on different CPUs; write the pack again with this version`,
    tower.model,
  );
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
    private readonly startAnswers: () => Promise<TowerPool>,
    private readonly abort: AbortController,
  ) {}

  /** The answer tower's workers, started on first need (at open unless lazyAnswers). */
  private answers: Promise<TowerPool> | null = null;

  private answerPool(): Promise<TowerPool> {
    if (!this.answers) {
      this.answers = this.startAnswers();
      this.answers.catch(() => {});
    }
    return this.answers;
  }

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
    for (const tower of towers) checkIntegerWeightRange(tower);

    // Identity from the ONNX bytes and the manifest's record of each external file (its size checked above).
    const towerId = (t: CheckedTower): TowerId => {
      const external = new Map(t.externalFiles.map((name) => [name, m.files[name]!.sha256]));
      return { pack: m.name, version: m.version, hash: towerHash(t.bytes, external, featurizer, t.role) };
    };

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
      ).then(
        (pool) => {
          if (pool.dim === m.dim) return pool;
          void pool.close();
          throw new UserError(
            `pack ${root}: manifest says dim ${m.dim} but ${path.basename(tower.model)} outputs ${pool.dim}`,
            tower.model,
          );
        },
        (e: unknown) => {
          throw new UserError(`cannot load tower model ${tower.model}: ${describeError(e)}`, tower.model, {
            cause: e,
          });
        },
      );
    // The pack is ready when the question worker is; the answer workers start
    // after it (not beside it: on two cores they would slow the question
    // worker's start), or at the first embedAnswers with lazyAnswers, and
    // embedAnswers waits for them, reporting their failure.
    let questions: TowerPool;
    try {
      questions = await start(towers[0], 1);
    } catch (e) {
      abort.abort();
      throw e;
    }
    const startAnswers = (): Promise<TowerPool> =>
      abort.signal.aborted
        ? Promise.reject(new Error('tower pack is closed'))
        : start(towers[1], options.workers ?? defaultTowerWorkers());
    const ready = questions.ready;
    // 'auto' landing on the CPU is the normal case without a GPU: reported in `provider`, not logged.
    if (ready.fallbackReason && requested !== 'auto') {
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
    const pack = new HashedTowerPack(
      root,
      raw,
      m,
      towerId(towers[0]),
      towerId(towers[1]),
      provider,
      questions,
      startAnswers,
      abort,
    );
    if (!options.lazyAnswers) void pack.answerPool();
    return pack;
  }

  embedQuestions(texts: string[]): Promise<Float32Array> {
    return this.questions.embed(texts);
  }

  async embedAnswers(texts: string[]): Promise<Float32Array> {
    return (await this.answerPool()).embed(texts);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all([this.questions.close(), this.answers?.then((p) => p.close()).catch(() => {})]);
  }
}
