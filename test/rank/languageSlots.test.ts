import { describe, expect, it } from 'vitest';
import { keepLanguageSlots } from '../../main/engine/rank/languageSlots.js';
import type { RankedCandidate } from '../../main/engine/search/ranker.js';

const ranked = (ids: number[], top = 10): RankedCandidate[] =>
  ids.map((chunkId, i) => ({ chunkId, score: top - i }));

describe('a learned ranker next to translated recall', () => {
  // Ids below 100 are in the question's language, 100 and up in the other one.
  const own = (id: number) => id < 100;

  it('keeps the fused places of each language, learned order for the own language only', () => {
    const fused = ranked([1, 101, 2, 102, 3]);
    // The ranker pushed both crossing passages to the bottom and reversed the own ones.
    const learned = ranked([3, 2, 1, 102, 101], 5);
    const out = keepLanguageSlots(fused, learned, own);
    expect(out.map((c) => c.chunkId)).toEqual([3, 101, 2, 102, 1]);
    // Each place keeps its fused score, so scores still fall down the list.
    expect(out.map((c) => c.score)).toEqual([10, 9, 8, 7, 6]);
  });

  it('gives the same list as score fusion when every passage is in the other language', () => {
    const fused = ranked([105, 101, 103]);
    const learned = ranked([101, 103, 105]);
    expect(keepLanguageSlots(fused, learned, own)).toEqual(fused);
  });

  it('gives the learned order when every passage is in the question language', () => {
    const fused = ranked([1, 2, 3]);
    const learned = ranked([3, 1, 2]);
    expect(keepLanguageSlots(fused, learned, own).map((c) => c.chunkId)).toEqual([3, 1, 2]);
  });

  it('keeps the answer probability only when the learned first passage comes first', () => {
    const learned = [{ chunkId: 2, score: 3, answerProbability: 0.8 }, ...ranked([1], 2)];
    expect(keepLanguageSlots(ranked([1, 2]), learned, own)[0].answerProbability).toBe(0.8);
    const crossingFirst = keepLanguageSlots(ranked([101, 1, 2]), [...learned, ...ranked([101], 1)], own);
    expect(crossingFirst.map((c) => c.chunkId)).toEqual([101, 2, 1]);
    expect(crossingFirst.some((c) => c.answerProbability !== undefined)).toBe(false);
  });

  it('keeps a candidate the ranker dropped, in its fused order', () => {
    const out = keepLanguageSlots(ranked([1, 2, 101, 3]), ranked([3, 1, 101]), own);
    expect(out.map((c) => c.chunkId).sort()).toEqual([1, 101, 2, 3]);
    expect(out.map((c) => c.chunkId)).toEqual([3, 1, 101, 2]);
  });
});
