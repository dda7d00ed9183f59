/**
 * Texts turned into sparse feature bags, stored compactly (CSR): row r's
 * features are ids/weights[offsets[r] .. offsets[r+1]).
 */
export interface FeatureRows {
  offsets: Int32Array;
  ids: Int32Array;
  weights: Float32Array;
}

export interface FeatureBag {
  ids: Int32Array;
  weights: Float32Array;
}

export function rowCount(rows: FeatureRows): number {
  return rows.offsets.length - 1;
}

/** Featurize many texts into one CSR block. */
export function toFeatureRows(
  texts: readonly string[],
  featurize: (text: string) => FeatureBag,
): FeatureRows {
  const bags = texts.map(featurize);
  const offsets = new Int32Array(bags.length + 1);
  for (let i = 0; i < bags.length; i++) offsets[i + 1] = offsets[i]! + bags[i]!.ids.length;
  const ids = new Int32Array(offsets[bags.length]!);
  const weights = new Float32Array(ids.length);
  bags.forEach((bag, i) => {
    ids.set(bag.ids, offsets[i]!);
    weights.set(bag.weights, offsets[i]!);
  });
  return { offsets, ids, weights };
}

/** A CSR block of the selected rows, in the order given. */
export function selectRows(rows: FeatureRows, which: ArrayLike<number>): FeatureRows {
  const offsets = new Int32Array(which.length + 1);
  for (let i = 0; i < which.length; i++) {
    const r = which[i]!;
    offsets[i + 1] = offsets[i]! + rows.offsets[r + 1]! - rows.offsets[r]!;
  }
  const ids = new Int32Array(offsets[which.length]!);
  const weights = new Float32Array(ids.length);
  for (let i = 0; i < which.length; i++) {
    const r = which[i]!;
    ids.set(rows.ids.subarray(rows.offsets[r]!, rows.offsets[r + 1]!), offsets[i]!);
    weights.set(rows.weights.subarray(rows.offsets[r]!, rows.offsets[r + 1]!), offsets[i]!);
  }
  return { offsets, ids, weights };
}
