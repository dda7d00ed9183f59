import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeError, UserError } from '../errors.js';
import type { FeatureRole } from './featurizerSpec.js';
import {
  parseCommonManifest,
  parseHashedManifest,
  type FileRecord,
  type HashedManifest,
} from './manifest.js';
import { readModelInfo } from './onnx/modelInfo.js';
import { sha256Hex, towerHash } from './towerIdentity.js';
import { TowerPool } from './towerPool.js';
import { openTransformerPack } from './transformer/index.js';
import type { ActiveProvider, OpenPackOptions, TowerId, TowerPack } from './types.js';

/** Answer-tower workers when not given: one per core, at most 4. */
export function defaultTowerWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** Padded feature slots per ONNX run in a worker (keeps the gathered rows tensor in cache). */
const BATCH_FEATURES = 4 * 1024;

async function readOrFail(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${what} is missing: ${file}`, file);
    throw new UserError(`cannot read ${what} ${file}: ${describeError(e)}`, file, { cause: e });
  }
}

/** Read the manifest, dispatch on kind. */
export async function openPack(dir: string, options: OpenPackOptions = {}): Promise<TowerPack> {
  const root = path.resolve(dir);
  const stat = await fs.stat(root).catch(() => null);
  if (!stat?.isDirectory()) throw new UserError(`tower pack folder not found: ${root}`, root);
  const manifestFile = path.join(root, 'manifest.json');
  const text = await readOrFail(manifestFile, 'pack manifest');
  let raw: unknown;
  try {
    raw = JSON.parse(text.toString('utf8'));
  } catch (e) {
    throw new UserError(`corrupt pack manifest ${manifestFile}: ${describeError(e)}`, manifestFile, {
      cause: e,
    });
  }
  const common = parseCommonManifest(raw, manifestFile);
  if (common.kind === 'transformer')
    return openTransformerPack(root, raw as Record<string, unknown>, options);
  return HashedTowerPack.open(
    root,
    parseHashedManifest(raw, manifestFile),
    raw as Record<string, unknown>,
    options,
  );
}

function recordOf(root: string, manifest: HashedManifest, name: string): FileRecord {
  const record = manifest.files[name];
  if (!record)
    throw new UserError(
      `pack manifest ${path.join(root, 'manifest.json')} does not list ${name} under "files"`,
      path.join(root, name),
    );
  return record;
}

function mismatch(file: string): UserError {
  return new UserError(
    `pack file ${file} does not match its manifest entry (truncated, corrupt or modified)`,
    file,
  );
}

/** A file's bytes checked against the manifest's sha256. */
async function verifiedHash(root: string, manifest: HashedManifest, name: string): Promise<string> {
  const file = path.join(root, name);
  const record = recordOf(root, manifest, name);
  const data = await readOrFail(file, 'pack file');
  if (data.byteLength !== record.bytes || sha256Hex(data) !== record.sha256) throw mismatch(file);
  return record.sha256;
}

interface CheckedTower {
  role: FeatureRole;
  model: string;
  bytes: Uint8Array;
  externalFiles: string[];
}

/**
 * The cheap checks, before any worker starts: the tower's ONNX against the
 * manifest (hash, size), its output width against `dim`, and the external
 * files it names (listed, present, long enough).
 */
async function checkTower(root: string, m: HashedManifest, role: FeatureRole): Promise<CheckedTower> {
  const name = m.hashedNgram[role === 'question' ? 'question' : 'answer'].model;
  const model = path.join(root, name);
  const record = recordOf(root, m, name);
  const bytes = await readOrFail(model, 'tower model');
  if (bytes.byteLength !== record.bytes || sha256Hex(bytes) !== record.sha256) throw mismatch(model);
  let info;
  try {
    info = readModelInfo(bytes);
  } catch (e) {
    throw new UserError(`corrupt tower model ${model}: ${describeError(e)}`, model, { cause: e });
  }
  const width = info.outputs[0]?.shape[1];
  if (width !== m.dim)
    throw new UserError(
      `pack ${root}: manifest says dim ${m.dim} but ${name} outputs ${String(width)}`,
      model,
    );
  const needed = new Map<string, number>();
  for (const r of info.external)
    needed.set(r.location, Math.max(needed.get(r.location) ?? 0, r.offset + r.length));
  for (const [location, end] of needed) {
    const file = path.join(root, location);
    const rec = recordOf(root, m, location);
    const size = (await fs.stat(file).catch(() => null))?.size;
    if (size === undefined) throw new UserError(`pack file is missing: ${file}`, file);
    if (size !== rec.bytes || size < end) throw mismatch(file);
  }
  return { role, model, bytes, externalFiles: [...needed.keys()] };
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
