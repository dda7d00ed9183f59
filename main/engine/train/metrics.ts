/** Retrieval quality over a held-out set: recall@k (one gold passage per question) and MRR@10. */
export interface RecallMetrics {
  questions: number;
  passages: number;
  'recall@1': number;
  'recall@5': number;
  'recall@10': number;
  'mrr@10': number;
}

/**
 * Score every question against every passage (`scoresFor(i)` returns one score
 * per passage) and rank the gold passage. Ties count against the gold passage,
 * so a scorer that gives everything the same score gets no credit.
 */
export function recallMetrics(
  questionCount: number,
  passageCount: number,
  gold: Int32Array,
  scoresFor: (question: number) => ArrayLike<number>,
): RecallMetrics {
  let r1 = 0;
  let r5 = 0;
  let r10 = 0;
  let mrr = 0;
  for (let q = 0; q < questionCount; q++) {
    const scores = scoresFor(q);
    const g = gold[q]!;
    const target = scores[g]!;
    let rank = 0;
    for (let p = 0; p < passageCount; p++) {
      if (p !== g && scores[p]! >= target) rank++;
    }
    if (rank < 1) r1++;
    if (rank < 5) r5++;
    if (rank < 10) {
      r10++;
      mrr += 1 / (rank + 1);
    }
  }
  const n = Math.max(1, questionCount);
  return {
    questions: questionCount,
    passages: passageCount,
    'recall@1': r1 / n,
    'recall@5': r5 / n,
    'recall@10': r10 / n,
    'mrr@10': mrr / n,
  };
}

/** Scores of one row of `queries` (N×dim) against every row of `docs` (M×dim). */
export function dotScorer(
  queries: Float32Array,
  docs: Float32Array,
  dim: number,
): (q: number) => Float32Array {
  const count = docs.length / dim;
  const out = new Float32Array(count);
  return (q) => {
    const qo = q * dim;
    for (let d = 0; d < count; d++) {
      const doff = d * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) s += queries[qo + k]! * docs[doff + k]!;
      out[d] = s;
    }
    return out;
  };
}

/**
 * Held-out recall of score fusion as the product ranks (search/ranker.ts): BM25 divided by the
 * question's top BM25 score, plus `weight` × cosine (over the whole pool here).
 */
export function fusedScorer(
  bm25: (q: number) => ArrayLike<number>,
  dense: (q: number) => ArrayLike<number>,
  weight: number,
  passageCount: number,
): (q: number) => Float64Array {
  const out = new Float64Array(passageCount);
  return (q) => {
    const b = bm25(q);
    let top = 0;
    for (let p = 0; p < passageCount; p++) top = Math.max(top, b[p]!);
    const inv = top > 0 ? 1 / top : 0;
    const d = dense(q);
    for (let p = 0; p < passageCount; p++) out[p] = b[p]! * inv + weight * d[p]!;
    return out;
  };
}
