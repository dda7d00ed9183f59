/**
 * Symmetric in-batch softmax (InfoNCE) over scaled cosine scores, optionally
 * plus a fixed prior score per (question, passage) — e.g. the normalised BM25
 * score, which makes the towers learn what BM25 misses rather than what it
 * already ranks right (the score fusion used at search time).
 *
 * Question i's positive is passage i (i < B); passages B..M−1 are extra
 * negatives (mined hard negatives) that only enter the question→passage
 * direction. Loss = ½·mean_i CE(row i) + ½·mean_j CE(column j, over questions).
 */
export interface InBatchLoss {
  loss: number;
  /** dLoss/dQ (B×dim) and dLoss/dP (M×dim). */
  dQ: Float32Array;
  dP: Float32Array;
}

export function inBatchSoftmax(
  q: Float32Array,
  p: Float32Array,
  batch: number,
  dim: number,
  scale: number,
  prior: Float64Array | null = null,
): InBatchLoss {
  const m = p.length / dim;
  const logits = new Float64Array(batch * m);
  for (let i = 0; i < batch; i++) {
    const qo = i * dim;
    for (let j = 0; j < m; j++) {
      const po = j * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) s += q[qo + k]! * p[po + k]!;
      logits[i * m + j] = (s + (prior ? prior[i * m + j]! : 0)) * scale;
    }
  }
  // dLogits accumulates both directions' (softmax − onehot) / B, halved.
  const dLogits = new Float64Array(batch * m);
  let loss = 0;
  const half = 0.5 / batch;
  for (let i = 0; i < batch; i++) {
    const row = i * m;
    let max = -Infinity;
    for (let j = 0; j < m; j++) max = Math.max(max, logits[row + j]!);
    let sum = 0;
    for (let j = 0; j < m; j++) sum += Math.exp(logits[row + j]! - max);
    const lse = max + Math.log(sum);
    loss += half * (lse - logits[row + i]!);
    for (let j = 0; j < m; j++) dLogits[row + j]! += half * Math.exp(logits[row + j]! - lse);
    dLogits[row + i]! -= half;
  }
  for (let j = 0; j < batch; j++) {
    let max = -Infinity;
    for (let i = 0; i < batch; i++) max = Math.max(max, logits[i * m + j]!);
    let sum = 0;
    for (let i = 0; i < batch; i++) sum += Math.exp(logits[i * m + j]! - max);
    const lse = max + Math.log(sum);
    loss += half * (lse - logits[j * m + j]!);
    for (let i = 0; i < batch; i++) dLogits[i * m + j]! += half * Math.exp(logits[i * m + j]! - lse);
    dLogits[j * m + j]! -= half;
  }
  const dQ = new Float32Array(batch * dim);
  const dP = new Float32Array(m * dim);
  for (let i = 0; i < batch; i++) {
    const qo = i * dim;
    for (let j = 0; j < m; j++) {
      const g = dLogits[i * m + j]! * scale;
      if (g === 0) continue;
      const po = j * dim;
      for (let k = 0; k < dim; k++) {
        dQ[qo + k]! += g * p[po + k]!;
        dP[po + k]! += g * q[qo + k]!;
      }
    }
  }
  return { loss, dQ, dP };
}
