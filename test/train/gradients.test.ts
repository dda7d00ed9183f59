import { describe, expect, it } from 'vitest';
import { backwardTower, type TowerGrads } from '../../main/engine/train/backward.js';
import type { FeatureRows } from '../../main/engine/train/features.js';
import { inBatchSoftmax } from '../../main/engine/train/loss.js';
import { forwardTower, initModel, type HashedModel } from '../../main/engine/train/model.js';
import { Rng } from '../../main/engine/train/rng.js';
import { SparseRowGrad } from '../../main/engine/train/sparseGrad.js';

// Finite-difference check of the hand-written backward pass: the trainer is only
// as good as these gradients.
const buckets = 32;
const dim = 6;

function randomRows(rng: Rng, n: number): FeatureRows {
  const offsets = [0];
  const ids: number[] = [];
  const weights: number[] = [];
  for (let r = 0; r < n; r++) {
    const len = 1 + rng.int(5);
    for (let f = 0; f < len; f++) {
      ids.push(1 + rng.int(buckets - 1));
      weights.push(0.5 + rng.next());
    }
    offsets.push(ids.length);
  }
  return {
    offsets: Int32Array.from(offsets),
    ids: Int32Array.from(ids),
    weights: Float32Array.from(weights),
  };
}

function lossOf(
  model: HashedModel,
  q: FeatureRows,
  p: FeatureRows,
  batch: number,
  prior: Float64Array | null,
): number {
  const qo = forwardTower(model.question, dim, q).out;
  const po = forwardTower(model.answer, dim, p).out;
  return inBatchSoftmax(qo, po, batch, dim, 5, prior).loss;
}

function grads(model: HashedModel, tied: boolean): { q: TowerGrads; a: TowerGrads } {
  const qTable = new SparseRowGrad(buckets, dim);
  const g = (table: SparseRowGrad, withProj: boolean): TowerGrads => ({
    table,
    termWeights: new SparseRowGrad(buckets, 1),
    projectionWeight: withProj ? new Float32Array(dim * dim) : null,
    projectionBias: withProj ? new Float32Array(dim) : null,
  });
  return {
    q: g(qTable, model.question.projection !== null),
    a: g(tied ? qTable : new SparseRowGrad(buckets, dim), model.answer.projection !== null),
  };
}

function sparseValue(g: SparseRowGrad, row: number, k: number): number {
  for (let i = 0; i < g.size; i++) if (g.rowAt(i) === row) return g.values[i * g.width + k]!;
  return 0;
}

describe.each([
  { tied: true, projection: 'question' as const, withPrior: false },
  { tied: false, projection: 'both' as const, withPrior: false },
  { tied: true, projection: 'question' as const, withPrior: true },
])(
  'backward (tied=$tied, projection=$projection, BM25 prior=$withPrior)',
  ({ tied, projection, withPrior }) => {
    it('matches finite differences of the in-batch loss', () => {
      const rng = new Rng(7);
      const idf = Float32Array.from({ length: buckets }, () => 0.5 + rng.next());
      const model = initModel({ buckets, dim, tied, termWeights: idf, projection, seed: 3 });
      for (const proj of [model.question.projection, model.answer.projection]) {
        if (!proj) continue;
        for (let i = 0; i < proj.weight.length; i++) proj.weight[i] = (rng.next() - 0.5) * 0.4;
        for (let i = 0; i < proj.bias.length; i++) proj.bias[i] = (rng.next() - 0.5) * 0.4;
      }
      const batch = 4;
      const q = randomRows(rng, batch);
      const p = randomRows(rng, batch + 2);
      const prior = withPrior ? Float64Array.from({ length: batch * (batch + 2) }, () => rng.next()) : null;
      const qc = forwardTower(model.question, dim, q);
      const pc = forwardTower(model.answer, dim, p);
      const { dQ, dP } = inBatchSoftmax(qc.out, pc.out, batch, dim, 5, prior);
      const g = grads(model, tied);
      backwardTower(model.question, dim, qc, dQ, g.q);
      backwardTower(model.answer, dim, pc, dP, g.a);

      const h = 1e-3;
      const numeric = (arr: Float32Array, idx: number): number => {
        const keep = arr[idx]!;
        arr[idx] = keep + h;
        const up = lossOf(model, q, p, batch, prior);
        arr[idx] = keep - h;
        const down = lossOf(model, q, p, batch, prior);
        arr[idx] = keep;
        return (up - down) / (2 * h);
      };
      const id = q.ids[0]!;
      for (let k = 0; k < dim; k++) {
        expect(sparseValue(g.q.table, id, k)).toBeCloseTo(numeric(model.question.table, id * dim + k), 2);
      }
      const aid = p.ids[p.ids.length - 1]!;
      for (let k = 0; k < dim; k++) {
        expect(sparseValue(g.a.table, aid, k)).toBeCloseTo(numeric(model.answer.table, aid * dim + k), 2);
      }
      expect(sparseValue(g.q.termWeights!, id, 0)).toBeCloseTo(numeric(model.question.termWeights!, id), 2);
      expect(sparseValue(g.a.termWeights!, aid, 0)).toBeCloseTo(numeric(model.answer.termWeights!, aid), 2);
      const proj = model.question.projection!;
      for (const idx of [0, 7, dim * dim - 1]) {
        expect(g.q.projectionWeight![idx]!).toBeCloseTo(numeric(proj.weight, idx), 2);
      }
      expect(g.q.projectionBias![2]!).toBeCloseTo(numeric(proj.bias, 2), 2);
    });
  },
);
