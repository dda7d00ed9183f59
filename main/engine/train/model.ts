import type { FeatureRows } from './features.js';
import { Rng } from './rng.js';

/**
 * The hashed two-tower model the trainer optimises, in plain Float32Arrays.
 *
 * tower(x) = l2norm(p(u)),  u = Σ_f  w_f · t[id_f] · E[id_f]
 *   w_f   the featurizer's weight of feature f,
 *   t     an optional per-bucket term weight (IDF-initialised, learned or fixed),
 *   E     the embedding table (one table for both towers when tied),
 *   p(u)  identity, or a residual projection u + u·W + b.
 * These are the semantics of the towers engineer's ONNX graph, so an exported
 * pack computes exactly this.
 */
export interface TowerParams {
  table: Float32Array;
  termWeights: Float32Array | null;
  projection: { weight: Float32Array; bias: Float32Array } | null;
}

export interface ModelShape {
  buckets: number;
  dim: number;
}

export interface HashedModel extends ModelShape {
  question: TowerParams;
  answer: TowerParams;
}

/** Matches the epsilon in the exported graph: rows with no features embed to zeros, not NaN. */
export const NORM_EPSILON = 1e-12;

export interface ModelInit {
  buckets: number;
  dim: number;
  /** One table for both towers (lexical matches score from the start) or two. */
  tied: boolean;
  /** Per-bucket term weights for each tower, or null for none. */
  termWeights: Float32Array | null;
  /** Which towers get a residual projection (initialised to zero: identity at start). */
  projection: 'none' | 'question' | 'both';
  seed: number;
}

/**
 * Rows uniform with variance 1/dim: |E[b]| ≈ 1 and distinct buckets nearly orthogonal, so the
 * untrained tied model is a random projection of the weighted bag — already a
 * (noisy) lexical matcher that training refines instead of learning from scratch.
 */
export function initModel(init: ModelInit): HashedModel {
  const rng = new Rng(init.seed);
  const randomTable = (): Float32Array => {
    const t = new Float32Array(init.buckets * init.dim);
    // Uniform on ±√(3/dim): the variance of N(0, 1/dim) at a fraction of the cost of normals.
    const s = 2 * Math.sqrt(3 / init.dim);
    for (let i = 0; i < t.length; i++) t[i] = (rng.next() - 0.5) * s;
    return t;
  };
  const questionTable = randomTable();
  const answerTable = init.tied ? questionTable : randomTable();
  const projection = (): TowerParams['projection'] => ({
    weight: new Float32Array(init.dim * init.dim),
    bias: new Float32Array(init.dim),
  });
  return {
    buckets: init.buckets,
    dim: init.dim,
    question: {
      table: questionTable,
      termWeights: init.termWeights ? Float32Array.from(init.termWeights) : null,
      projection: init.projection === 'none' ? null : projection(),
    },
    answer: {
      table: answerTable,
      termWeights: init.termWeights ? Float32Array.from(init.termWeights) : null,
      projection: init.projection === 'both' ? projection() : null,
    },
  };
}

export function isTied(model: HashedModel): boolean {
  return model.question.table === model.answer.table;
}

/** Everything the backward pass needs from one forward call. */
export interface ForwardCache {
  rows: FeatureRows;
  /** Per feature: 0 when dropped by feature dropout (training only). */
  keep: Uint8Array | null;
  /** Pooled bags before the projection (N×dim). */
  pooled: Float32Array;
  /** L2 norms of the pre-normalisation vectors. */
  norms: Float32Array;
  /** The tower's output rows, L2-normalised (N×dim). */
  out: Float32Array;
}

export function forwardTower(
  params: TowerParams,
  dim: number,
  rows: FeatureRows,
  keep: Uint8Array | null = null,
): ForwardCache {
  const n = rows.offsets.length - 1;
  const pooled = new Float32Array(n * dim);
  const { table, termWeights } = params;
  for (let r = 0; r < n; r++) {
    const base = r * dim;
    for (let f = rows.offsets[r]!; f < rows.offsets[r + 1]!; f++) {
      if (keep && keep[f] === 0) continue;
      const id = rows.ids[f]!;
      const w = termWeights ? rows.weights[f]! * termWeights[id]! : rows.weights[f]!;
      if (w === 0) continue;
      const eo = id * dim;
      for (let k = 0; k < dim; k++) pooled[base + k]! += w * table[eo + k]!;
    }
  }
  const out = params.projection ? project(params.projection, pooled, n, dim) : Float32Array.from(pooled);
  const norms = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const base = r * dim;
    let ss = 0;
    for (let k = 0; k < dim; k++) ss += out[base + k]! * out[base + k]!;
    const norm = Math.max(Math.sqrt(ss), NORM_EPSILON);
    norms[r] = norm;
    for (let k = 0; k < dim; k++) out[base + k]! /= norm;
  }
  return { rows, keep, pooled, norms, out };
}

/** u + u·W + b, W row-major [dim_in × dim_out]. */
function project(
  p: { weight: Float32Array; bias: Float32Array },
  u: Float32Array,
  n: number,
  dim: number,
): Float32Array {
  const v = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const base = r * dim;
    for (let j = 0; j < dim; j++) v[base + j] = u[base + j]! + p.bias[j]!;
    for (let i = 0; i < dim; i++) {
      const ui = u[base + i]!;
      if (ui === 0) continue;
      const wo = i * dim;
      for (let j = 0; j < dim; j++) v[base + j]! += ui * p.weight[wo + j]!;
    }
  }
  return v;
}

/** Embed texts' feature rows without keeping a cache (evaluation, export checks). */
export function embedRows(params: TowerParams, dim: number, rows: FeatureRows): Float32Array {
  return forwardTower(params, dim, rows).out;
}
