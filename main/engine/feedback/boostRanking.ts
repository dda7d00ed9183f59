import type { RankedCandidate } from '../search/ranker.js';

/** What the user's earlier signals say for one search (learnedParams.ts memoryBoosts). */
export interface FeedbackBoosts {
  /** False when nothing would move: the ranking is left as it is. */
  active: boolean;
  /** A passage's boost, in units of the spread of the ranking's first ten scores. */
  boost(chunkId: number): number;
  /** Passages that may join the list when recall missed them (chosen for this or a similar question). */
  join: readonly number[];
  /** Passages the user chose for this very question before: the answer is not "not found". */
  chosen: ReadonlySet<number>;
}

/** The scores put on 0..1 between the tenth and the first, as the learner judged boosts (on ten shown passages). */
const SCALE_DEPTH = 10;

/**
 * Re-orders a ranking by the user's earlier signals: the ranker's scores are put on a
 * common scale (the first is 1, the tenth 0, whatever ranker made them) and each
 * passage's boost is added. A passage boosted up counts from at least 0, as the learner
 * judged boosts (over the shown passages, where it was one of them): one the ranker put
 * far below the tenth, such as an English passage a Chinese question was shown only in
 * a place kept for the other language, still comes first when the user chose it for this
 * question. A ranking with no boosted passage is returned as it was.
 */
export function boostRanking(
  ranking: readonly RankedCandidate[],
  boost: (chunkId: number) => number,
): RankedCandidate[] {
  const boosts = ranking.map((c) => boost(c.chunkId));
  if (boosts.every((b) => b === 0)) return [...ranking];
  const scores = ranking.map((c) => c.score).sort((a, b) => b - a);
  const hi = scores[0];
  const lo = scores[Math.min(SCALE_DEPTH, scores.length) - 1];
  const span = hi - lo || 1;
  return ranking
    .map((c, i) => {
      const scaled = (c.score - lo) / span;
      return { ...c, score: (boosts[i] > 0 ? Math.max(0, scaled) : scaled) + boosts[i] };
    })
    .sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
}
