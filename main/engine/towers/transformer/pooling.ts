/**
 * Sentence embeddings from an encoder's token states.
 *
 * `mean`: average of the token vectors where attention_mask is 1 (padding
 * never counts), as e5 and sentence-transformers' mean pooling do.
 * `cls`: the first token's vector, as bge and DPR do.
 * `none`: the graph already pooled ([rows, dim] in).
 * Rows are then L2-normalised so relevance is a dot product; an all-zero
 * row stays zero instead of becoming NaN.
 */
export type Pooling = 'mean' | 'cls' | 'none';

export interface TokenStates {
  data: Float32Array;
  rows: number;
  /** Tokens per row in `data` (1 for an already pooled output). */
  seqLen: number;
  width: number;
}

export function poolAndNormalize(
  states: TokenStates,
  attentionMask: BigInt64Array,
  pooling: Pooling,
): Float32Array {
  const { data, rows, seqLen, width } = states;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const dst = out.subarray(r * width, (r + 1) * width);
    if (pooling === 'none' || pooling === 'cls') {
      dst.set(data.subarray(r * seqLen * width, r * seqLen * width + width));
    } else {
      let count = 0;
      for (let t = 0; t < seqLen; t++) {
        if (attentionMask[r * seqLen + t] === 0n) continue;
        count++;
        const src = (r * seqLen + t) * width;
        for (let k = 0; k < width; k++) dst[k] += data[src + k];
      }
      if (count > 0) for (let k = 0; k < width; k++) dst[k] /= count;
    }
    normalizeInPlace(dst);
  }
  return out;
}

function normalizeInPlace(v: Float32Array): void {
  let sum = 0;
  for (let k = 0; k < v.length; k++) sum += v[k] * v[k];
  const norm = Math.sqrt(sum);
  if (norm > 1e-12) for (let k = 0; k < v.length; k++) v[k] /= norm;
}
