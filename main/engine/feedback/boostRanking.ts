import type { RankedCandidate } from '../search/ranker.js';

/** What the user's earlier signals say for one search (feedback/learning.ts LearnedView.boosts). */
export interface FeedbackBoosts {
  /** Chunk id → boost, in units of the ranking's score span. */
  boosts: ReadonlyMap<number, number>;
  /** Passages the user chose for this very question before: the answer is not "not found". */
  chosen: ReadonlySet<number>;
}

/**
 * Re-orders a ranking by the user's earlier signals: the ranker's scores are put on
 * 0..1 (whatever ranker made them) and each passage's boost is added. A ranking with
 * no boosted passage is returned as it was.
 */
export function boostRanking(
  ranking: readonly RankedCandidate[],
  boosts: ReadonlyMap<number, number>,
): RankedCandidate[] {
  if (!ranking.some((c) => boosts.has(c.chunkId))) return [...ranking];
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of ranking) {
    if (c.score < lo) lo = c.score;
    if (c.score > hi) hi = c.score;
  }
  const span = hi - lo || 1;
  return ranking
    .map((c) => ({ ...c, score: (c.score - lo) / span + (boosts.get(c.chunkId) ?? 0) }))
    .sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
}
