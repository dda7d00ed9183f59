import { featurize, type Features } from './featurize.js';
import type { FeatureRole, FeaturizerSpec } from './featurizerSpec.js';

/** A tower's input: row-major [n, l] ids and weights, padded with id 0 / weight 0. */
export interface FeatureBatch {
  ids: Int32Array;
  weights: Float32Array;
  n: number;
  l: number;
}

/** Pad a list of feature sets to one [n, l] batch (l ≥ 1, so no zero-sized tensor). */
export function padFeatures(features: readonly Features[]): FeatureBatch {
  const n = features.length;
  let l = 1;
  for (const f of features) l = Math.max(l, f.ids.length);
  const ids = new Int32Array(n * l);
  const weights = new Float32Array(n * l);
  features.forEach((f, r) => {
    ids.set(f.ids, r * l);
    weights.set(f.weights, r * l);
  });
  return { ids, weights, n, l };
}

export function featurizeBatch(
  texts: readonly string[],
  spec: FeaturizerSpec,
  role: FeatureRole,
): FeatureBatch {
  return padFeatures(texts.map((t) => featurize(t, spec, { role })));
}
