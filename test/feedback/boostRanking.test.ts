import { describe, expect, it } from 'vitest';
import { boostRanking } from '../../main/engine/feedback/boostRanking.js';
import { EXACT_WEIGHT } from '../../main/engine/feedback/learnedParams.js';

/** 40 candidates, the ranker's scores falling by one a place (chunk ids 1…40 in that order). */
const ranking = Array.from({ length: 40 }, (_, i) => ({ chunkId: i + 1, score: 40 - i }));
const order = (boosts: Record<number, number>) =>
  boostRanking(ranking, (id) => boosts[id] ?? 0).map((c) => c.chunkId);

describe("boosting a ranking by the user's signals", () => {
  it('puts a passage chosen for this question first, however far below the tenth the ranker put it', () => {
    // Place 35: 25 places below the tenth, where the first ten span 9 points.
    expect(order({ 35: EXACT_WEIGHT })[0]).toBe(35);
    expect(order({ 12: EXACT_WEIGHT })[0]).toBe(12);
  });

  it('moves a passage marked "not this" down and leaves the others in the ranker\'s order', () => {
    const moved = order({ 1: -EXACT_WEIGHT });
    expect(moved.slice(0, 3)).toEqual([2, 3, 4]);
    expect(moved.indexOf(1)).toBeGreaterThan(10);
    expect(order({}).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps the order below the tenth among passages that are not boosted', () => {
    const moved = order({ 35: EXACT_WEIGHT });
    const rest = moved.filter((id) => id !== 35);
    expect(rest).toEqual(ranking.map((c) => c.chunkId).filter((id) => id !== 35));
  });
});
