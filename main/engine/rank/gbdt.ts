import { z } from 'zod';

/**
 * A gradient-boosted tree ensemble as the ranking stage ships it (ranker.json in
 * a pack). Each tree is stored as parallel arrays: node i splits on
 * `feature[i]` (x <= threshold[i] goes to left[i], else right[i]; NaN goes left)
 * or, when feature[i] is -1, is a leaf worth value[i].
 */
export const treeSchema = z.object({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(z.number()),
  left: z.array(z.number().int().min(0)),
  right: z.array(z.number().int().min(0)),
  value: z.array(z.number()),
});

export const gbdtSchema = z.object({
  format: z.literal('docqa-gbdt-1'),
  featureSet: z.string(),
  features: z.array(z.string()),
  baseScore: z.number(),
  trees: z.array(treeSchema),
  /** Not-found calibration: P(answer in this library) = sigmoid(a·top score + b·margin + c). */
  answerable: z
    .object({ weights: z.array(z.number()), bias: z.number(), threshold: z.number().min(0).max(1) })
    .optional(),
  /** What it was trained on, for the pack's training record. */
  training: z.record(z.string(), z.unknown()).optional(),
});

export type Tree = z.infer<typeof treeSchema>;
export type GbdtModel = z.infer<typeof gbdtSchema>;

/** Checks that every tree's child indices stay inside the tree and features inside the feature list. */
export function validateGbdt(model: GbdtModel): GbdtModel {
  model.trees.forEach((t, k) => {
    const n = t.feature.length;
    if (t.threshold.length !== n || t.left.length !== n || t.right.length !== n || t.value.length !== n)
      throw new Error(`ranker tree ${k}: arrays of different lengths`);
    for (let i = 0; i < n; i++) {
      if (t.feature[i] >= model.features.length) throw new Error(`ranker tree ${k}: feature out of range`);
      if (t.feature[i] >= 0 && (t.left[i] <= i || t.right[i] <= i || t.left[i] >= n || t.right[i] >= n))
        throw new Error(`ranker tree ${k}: child index out of order`);
    }
  });
  return model;
}

export function scoreTree(t: Tree, x: ArrayLike<number>): number {
  let i = 0;
  for (;;) {
    const f = t.feature[i];
    if (f < 0) return t.value[i];
    i = x[f] > t.threshold[i] ? t.right[i] : t.left[i];
  }
}

export function scoreGbdt(model: GbdtModel, x: ArrayLike<number>): number {
  let s = model.baseScore;
  for (const t of model.trees) s += scoreTree(t, x);
  return s;
}
