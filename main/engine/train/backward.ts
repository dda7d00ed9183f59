import type { ForwardCache, TowerParams } from './model.js';
import type { SparseRowGrad } from './sparseGrad.js';

export interface TowerGrads {
  table: SparseRowGrad;
  termWeights: SparseRowGrad | null;
  projectionWeight: Float32Array | null;
  projectionBias: Float32Array | null;
}

/** Accumulate the gradients of one tower given dLoss/dOutput (N×dim). */
export function backwardTower(
  params: TowerParams,
  dim: number,
  cache: ForwardCache,
  dOut: Float32Array,
  grads: TowerGrads,
): void {
  const { rows, keep, out, norms, pooled } = cache;
  const n = rows.offsets.length - 1;
  // Through the L2 normalisation: d v = (g − y (y·g)) / |v|.
  const dv = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const base = r * dim;
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += out[base + k]! * dOut[base + k]!;
    const inv = 1 / norms[r]!;
    for (let k = 0; k < dim; k++) dv[base + k] = (dOut[base + k]! - out[base + k]! * dot) * inv;
  }
  let du = dv;
  const proj = params.projection;
  if (proj) {
    du = Float32Array.from(dv);
    const gW = grads.projectionWeight!;
    const gB = grads.projectionBias!;
    for (let r = 0; r < n; r++) {
      const base = r * dim;
      for (let j = 0; j < dim; j++) gB[j]! += dv[base + j]!;
      for (let i = 0; i < dim; i++) {
        const ui = pooled[base + i]!;
        const wo = i * dim;
        let acc = 0;
        for (let j = 0; j < dim; j++) {
          const g = dv[base + j]!;
          if (ui !== 0) gW[wo + j]! += ui * g;
          acc += proj.weight[wo + j]! * g;
        }
        du[base + i]! += acc;
      }
    }
  }
  const { table, termWeights } = params;
  const gTable = grads.table;
  const gTerm = grads.termWeights;
  for (let r = 0; r < n; r++) {
    const base = r * dim;
    for (let f = rows.offsets[r]!; f < rows.offsets[r + 1]!; f++) {
      if (keep && keep[f] === 0) continue;
      const id = rows.ids[f]!;
      const w0 = rows.weights[f]!;
      const w = termWeights ? w0 * termWeights[id]! : w0;
      const eo = id * dim;
      const go = gTable.offsetOf(id);
      const gv = gTable.values;
      let dotE = 0;
      for (let k = 0; k < dim; k++) {
        const g = du[base + k]!;
        gv[go + k]! += w * g;
        dotE += table[eo + k]! * g;
      }
      if (gTerm) {
        const to = gTerm.offsetOf(id);
        gTerm.values[to]! += w0 * dotE;
      }
    }
  }
}
