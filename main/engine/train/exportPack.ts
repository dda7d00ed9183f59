import { fromFloat16Bits } from '../towers/onnx/float16.js';
import { quantizeTable, type HashedTowerParams, type TableStorage } from '../towers/onnx/hashedTower.js';
import { writeHashedPack, type HashedPackSpec, type PackIdentity } from '../towers/packWriter.js';
import { isTied, type HashedModel, type TowerParams } from './model.js';

export type TableDtype = TableStorage['dtype'];

export type PackInfo = Omit<HashedPackSpec, 'question' | 'answer'>;

export interface ExportedPack {
  identity: PackIdentity;
  /**
   * The model exactly as stored (table rows dequantised): what the pack's
   * ONNX towers compute, for checking ORT against the trainer's forward.
   */
  stored: HashedModel;
}

/**
 * Write a trained model as a hashed-ngram pack through the towers engineer's
 * writer. A tied table is quantised once and handed to both towers, so the
 * writer stores it once (shared.bin).
 */
export async function exportPack(
  dir: string,
  model: HashedModel,
  dtype: TableDtype,
  info: PackInfo,
): Promise<ExportedPack> {
  const qTable = quantizeTable(model.question.table, model.dim, dtype);
  const aTable = isTied(model) ? qTable : quantizeTable(model.answer.table, model.dim, dtype);
  const identity = await writeHashedPack(dir, {
    ...info,
    question: towerParams(model, model.question, qTable),
    answer: towerParams(model, model.answer, aTable),
  });
  const qStored = dequantize(qTable);
  const aStored = isTied(model) ? qStored : dequantize(aTable);
  const storedTower = (t: TowerParams, table: Float32Array): TowerParams => ({ ...t, table });
  return {
    identity,
    stored: {
      ...model,
      question: storedTower(model.question, qStored),
      answer: storedTower(model.answer, aStored),
    },
  };
}

function towerParams(model: HashedModel, t: TowerParams, table: TableStorage): HashedTowerParams {
  return {
    rows: model.buckets,
    dimIn: model.dim,
    table,
    termWeights: t.termWeights ?? undefined,
    pooling: 'sum',
    projection: t.projection
      ? {
          weight: t.projection.weight,
          bias: t.projection.bias,
          dim: model.dim,
          residual: true,
          activation: 'none',
        }
      : undefined,
  };
}

export function dequantize(t: TableStorage): Float32Array {
  if (t.dtype === 'float32') return t.data;
  if (t.dtype === 'float16') return Float32Array.from(t.data, fromFloat16Bits);
  const dim = t.data.length / t.scales.length;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = t.data[i]! * t.scales[Math.floor(i / dim)]!;
  return out;
}
