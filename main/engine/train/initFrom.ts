import type { FeaturizerSpec } from '../towers/featurizerSpec.js';
import type { HashedTowerParams } from '../towers/onnx/hashedTower.js';
import { readHashedPack } from '../towers/readHashedPack.js';
import { UserError } from '../errors.js';
import { readPackRankerFiles } from '../rank/packRanker.js';
import type { PackRankerFiles } from '../towers/packWriter.js';
import { dequantize, type TableDtype } from './exportPack.js';
import type { HashedModel, TowerParams } from './model.js';

export interface PackModel {
  model: HashedModel;
  featurizer: FeaturizerSpec;
  /** How the pack stores its table (a fine-tuned pack keeps it by default). */
  table: TableDtype;
  /** What a model fine-tuned from this pack inherits: its weights derive from this pack's. */
  provenance: {
    name: string;
    version: string;
    license: string;
    attribution: string[];
    trainingData: string[];
  };
  /**
   * The pack's ranking stage, carried into the fine-tuned pack (null: it ships none);
   * `runsHere` false: made by a newer DocQA, on features this version does not compute.
   */
  ranker: (PackRankerFiles & { runsHere: boolean }) | null;
}

/**
 * A hashed pack's weights as a trainable model, for fine-tuning (`--init-from`).
 * Only the architecture the trainer optimises can be read back: sum pooling,
 * no pooled normalisation, an optional linear residual projection.
 */
export async function readPackModel(dir: string): Promise<PackModel> {
  const pack = await readHashedPack(dir);
  const q = pack.question;
  const a = pack.answer;
  for (const t of [q, a]) checkTrainable(t, dir);
  if (q.dimIn !== a.dimIn)
    throw new UserError(`${dir}: towers of different dimensions cannot be fine-tuned`, dir);
  const tied = q.table.data === a.table.data;
  const qTable = dequantize(q.table);
  const aTable = tied ? qTable : dequantize(a.table);
  const m = pack.manifest;
  return {
    featurizer: pack.featurizer,
    table: q.table.dtype,
    provenance: {
      name: m.name,
      version: m.version,
      license: m.license,
      attribution: m.attribution,
      trainingData: m.trainingData,
    },
    model: { buckets: q.rows, dim: q.dimIn, question: tower(q, qTable), answer: tower(a, aTable) },
    ranker: readPackRankerFiles(dir),
  };
}

function checkTrainable(t: HashedTowerParams, dir: string): void {
  const p = t.projection;
  const ok =
    t.pooling === 'sum' &&
    !t.normalizePooled &&
    (!p || (p.residual === true && (p.activation ?? 'none') === 'none' && p.dim === t.dimIn));
  if (!ok)
    throw new UserError(`${dir}: this pack's tower architecture cannot be fine-tuned by docqa train`, dir);
}

function tower(t: HashedTowerParams, table: Float32Array): TowerParams {
  const p = t.projection;
  return {
    table,
    // Copied: in a shared-weights pack both towers hold the same arrays, which must not train as one by accident.
    termWeights: t.termWeights ? Float32Array.from(t.termWeights) : null,
    projection: p
      ? {
          weight: Float32Array.from(p.weight),
          bias: p.bias ? Float32Array.from(p.bias) : new Float32Array(p.dim),
        }
      : null,
  };
}
