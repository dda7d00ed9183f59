import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FEATURIZER_DEFINITION, type FeatureRole, type FeaturizerSpec } from './featurizerSpec.js';
import { parseFeaturizerSpec } from './featurizerSpecSchema.js';
import type { FileRecord, HashedManifest, HashedTowerFiles } from './manifest.js';
import { hashedTowerModelSpec, towerDim, type HashedTowerParams } from './onnx/hashedTower.js';
import { encodeModel, type ExternalRef, type TensorSpec } from './onnx/onnxModel.js';
import { sha256Hex, towerHash } from './towerIdentity.js';
import type { TowerId } from './types.js';
import type { RankerManifest } from '../rank/packRanker.js';

export interface HashedPackSpec {
  name: string;
  version: string;
  license: string;
  attribution?: string[];
  trainingData?: string[];
  metrics?: Record<string, unknown>;
  /** Free-form training record (design, seed, epochs, config…), kept in the manifest. */
  training?: Record<string, unknown>;
  /** ISO time; default now. */
  created?: string;
  featurizer: FeaturizerSpec;
  question: HashedTowerParams;
  /** The answer tower, or 'shared': one ONNX file serves both towers. */
  answer: HashedTowerParams | 'shared';
  /** Initializers of at least this many bytes go to .bin files beside the ONNX (default 64 KiB). */
  externalThreshold?: number;
  /** A ranking stage to ship with the towers: its manifest field and the files it names. */
  ranker?: PackRankerFiles;
}

/** A pack's ranker as files, to be written into another pack (rank/packRanker.ts reads it). */
export interface PackRankerFiles {
  manifest: RankerManifest;
  files: { name: string; bytes: Uint8Array }[];
}

export interface PackIdentity {
  dir: string;
  name: string;
  version: string;
  dim: number;
  questionTower: TowerId;
  answerTower: TowerId;
  files: Record<string, FileRecord>;
}

/** Offsets of external tensors are aligned for memory mapping (Windows' allocation granularity). */
const ALIGN = 64 * 1024;

/** One external data file being assembled; identical tensors are stored once. */
class ExternalFile {
  readonly chunks: Uint8Array[] = [];
  length = 0;
  private readonly placed = new Map<string, ExternalRef>();

  constructor(readonly name: string) {}

  place(key: string, data: Uint8Array): ExternalRef {
    const known = this.placed.get(key);
    if (known) return known;
    const pad = (ALIGN - (this.length % ALIGN)) % ALIGN;
    if (pad > 0) this.chunks.push(new Uint8Array(pad));
    const ref = { location: this.name, offset: this.length + pad, length: data.byteLength };
    this.chunks.push(data);
    this.length += pad + data.byteLength;
    this.placed.set(key, ref);
    return ref;
  }
}

/**
 * Write a hashed-ngram pack: manifest.json plus question.onnx/answer.onnx (or
 * one tower.onnx) and external weight files, assembled in a temporary folder
 * beside `dir` and renamed into place, so a reader never sees half a pack.
 * Large initializers that both towers share (e.g. a tied embedding table)
 * are stored once, in shared.bin.
 */
export async function writeHashedPack(dir: string, spec: HashedPackSpec): Promise<PackIdentity> {
  const featurizer = parseFeaturizerSpec(spec.featurizer);
  const shared = spec.answer === 'shared';
  const towers: Record<FeatureRole, HashedTowerParams> = {
    question: spec.question,
    passage: shared ? spec.question : (spec.answer as HashedTowerParams),
  };
  const dim = towerDim(towers.question);
  if (towerDim(towers.passage) !== dim) {
    throw new RangeError(`question tower gives ${dim} dimensions, answer tower ${towerDim(towers.passage)}`);
  }
  for (const t of Object.values(towers)) {
    if (t.rows !== 2 ** featurizer.log2Buckets) {
      throw new RangeError(
        `tower table has ${t.rows} rows; the featurizer hashes into 2^${featurizer.log2Buckets}`,
      );
    }
  }
  const threshold = spec.externalThreshold ?? 64 * 1024;

  const models = {
    question: hashedTowerModelSpec(towers.question, 'question_tower'),
    passage: hashedTowerModelSpec(towers.passage, 'answer_tower'),
  };
  const large = (t: TensorSpec): boolean => t.data.byteLength >= threshold;
  const keyOf = new Map<TensorSpec, string>();
  const keysIn = (role: FeatureRole): Set<string> => {
    const keys = new Set<string>();
    for (const t of models[role].initializers.filter(large)) {
      const key = `${t.dataType}:${t.dims.join('x')}:${sha256Hex(t.data)}`;
      keyOf.set(t, key);
      keys.add(key);
    }
    return keys;
  };
  const qKeys = keysIn('question');
  const aKeys = keysIn('passage');

  const binFiles = new Map<string, ExternalFile>();
  const fileFor = (name: string): ExternalFile => {
    let f = binFiles.get(name);
    if (!f) binFiles.set(name, (f = new ExternalFile(name)));
    return f;
  };
  const onnx = new Map<string, Uint8Array>();
  const towerFiles = {} as Record<FeatureRole, { model: string; bins: Set<string> }>;
  for (const role of shared ? (['question'] as const) : (['question', 'passage'] as const)) {
    const model = shared ? 'tower.onnx' : role === 'question' ? 'question.onnx' : 'answer.onnx';
    const bins = new Set<string>();
    const bytes = encodeModel(models[role], {
      placeExternal: (t) => {
        if (!large(t)) return null;
        const key = keyOf.get(t)!;
        const name = shared
          ? 'tower.bin'
          : qKeys.has(key) && aKeys.has(key)
            ? 'shared.bin'
            : `${model.replace('.onnx', '')}.bin`;
        bins.add(name);
        return fileFor(name).place(key, t.data);
      },
    });
    onnx.set(model, bytes);
    towerFiles[role] = { model, bins };
  }
  if (shared) towerFiles.passage = towerFiles.question;

  const files: Record<string, FileRecord> = {};
  for (const [name, bytes] of onnx) files[name] = { sha256: sha256Hex(bytes), bytes: bytes.byteLength };
  for (const f of binFiles.values()) {
    const h = createHash('sha256');
    for (const c of f.chunks) h.update(c);
    files[f.name] = { sha256: h.digest('hex'), bytes: f.length };
  }
  for (const f of spec.ranker?.files ?? []) {
    if (files[f.name] || !/^[\w.-]+$/.test(f.name))
      throw new Error(`ranker file name ${f.name} is not usable`);
    files[f.name] = { sha256: sha256Hex(f.bytes), bytes: f.bytes.byteLength };
  }

  const describe = (t: HashedTowerParams, model: string): HashedTowerFiles => ({
    model,
    pooling: t.pooling,
    normalizePooled: t.normalizePooled ?? false,
    table: t.table.dtype,
    ...(t.table.dtype === 'int8' ? { int8Compute: t.int8Compute ?? 'dequantize' } : {}),
    termWeights: t.termWeights !== undefined,
    projection: t.projection
      ? {
          dim: t.projection.dim,
          activation: t.projection.activation ?? 'none',
          residual: t.projection.residual ?? false,
          bias: t.projection.bias !== undefined,
        }
      : null,
  });
  const manifest: HashedManifest = {
    name: spec.name,
    version: spec.version,
    kind: 'hashed-ngram',
    dim,
    pooling: towers.passage.pooling,
    prefixes: { question: '', answer: '' },
    normalization: 'l2',
    maxLength: featurizer.maxChars,
    license: spec.license,
    attribution: spec.attribution ?? [],
    trainingData: spec.trainingData ?? [],
    metrics: spec.metrics ?? {},
    files,
    created: spec.created ?? new Date().toISOString(),
    ...(spec.training ? { training: spec.training } : {}),
    ...(spec.ranker ? { ranker: spec.ranker.manifest } : {}),
    hashedNgram: {
      featurizer,
      featurizerDefinition: [...FEATURIZER_DEFINITION],
      question: describe(towers.question, towerFiles.question.model),
      answer: describe(towers.passage, towerFiles.passage.model),
    },
  };

  const target = path.resolve(dir);
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.mkdir(tmp, { recursive: true });
  try {
    for (const [name, bytes] of onnx) await fs.writeFile(path.join(tmp, name), bytes);
    for (const f of binFiles.values()) {
      const handle = await fs.open(path.join(tmp, f.name), 'w');
      try {
        for (const c of f.chunks) await handle.write(c);
      } finally {
        await handle.close();
      }
    }
    for (const f of spec.ranker?.files ?? []) await fs.writeFile(path.join(tmp, f.name), f.bytes);
    await fs.writeFile(path.join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await replaceDirectory(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }

  const id = (role: FeatureRole): TowerId => {
    const { model, bins } = towerFiles[role];
    const ext = new Map([...bins].map((b) => [b, files[b]!.sha256]));
    return {
      pack: spec.name,
      version: spec.version,
      hash: towerHash(onnx.get(model)!, ext, featurizer, role),
    };
  };
  return {
    dir: target,
    name: spec.name,
    version: spec.version,
    dim,
    questionTower: id('question'),
    answerTower: id('passage'),
    files,
  };
}

/** Put `src` at `target`, replacing what was there with two renames. */
async function replaceDirectory(src: string, target: string): Promise<void> {
  const old = `${src}.old`;
  let moved = false;
  try {
    await fs.rename(target, old);
    moved = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await fs.rename(src, target);
  if (moved) await fs.rm(old, { recursive: true, force: true });
}
