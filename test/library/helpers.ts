import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_FEATURIZER_SPEC, type FeaturizerSpec } from '../../main/engine/towers/featurize.js';
import type { HashedTowerParams } from '../../main/engine/towers/onnx/hashedTower.js';
import { writeHashedPack } from '../../main/engine/towers/packWriter.js';
import { seededRandom } from './random.js';

export { seededRandom };

const LOG2 = 12;
const ROWS = 1 << LOG2;

/**
 * A small real tower pack: a random hashed-ngram table (a random projection of
 * the n-gram features, so cosine roughly follows shared n-grams), 4096 buckets.
 * `seed` changes the answer tower; `questionSeed` only the question tower's
 * projection (same answer tower hash).
 */
export async function writeTestPack(
  dir: string,
  options: { seed?: number; dim?: number; questionSeed?: number; name?: string } = {},
): Promise<string> {
  const dim = options.dim ?? 32;
  const random = seededRandom(options.seed ?? 1);
  const table = Float32Array.from({ length: ROWS * dim }, () => random() - 0.5);
  const featurizer: FeaturizerSpec = { ...DEFAULT_FEATURIZER_SPEC, log2Buckets: LOG2 };
  const answer: HashedTowerParams = {
    rows: ROWS,
    dimIn: dim,
    table: { dtype: 'float32', data: table },
    pooling: 'sqrtn',
  };
  let question: HashedTowerParams = answer;
  if (options.questionSeed !== undefined) {
    const r = seededRandom(options.questionSeed);
    const weight = new Float32Array(dim * dim);
    for (let i = 0; i < dim; i++) weight[i * dim + i] = 1;
    for (let i = 0; i < weight.length; i++) weight[i] += (r() - 0.5) * 0.01;
    question = { ...answer, projection: { weight, dim } };
  }
  await writeHashedPack(dir, {
    name: options.name ?? 'test-pack',
    version: '0.0.1',
    license: 'MIT',
    attribution: ['random test weights'],
    featurizer,
    question,
    answer,
  });
  return dir;
}

export interface TempDir {
  dir: string;
  file(rel: string, content: string | Uint8Array): string;
  cleanup(): void;
}

export function tempDir(prefix = 'docqa-lib-'): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file(rel, content) {
      const abs = path.join(dir, rel);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
      return abs;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { expectUserError } from '../helpers/expectUserError.js';
