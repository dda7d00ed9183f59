import { describe, expect, it } from 'vitest';
import { dropSharedWords, rewordedPairs } from '../../main/engine/train/lexicalDropout.js';
import { Rng } from '../../main/engine/train/rng.js';

const PASSAGE =
  'The Normans were the people who in the 10th and 11th centuries gave their name to Normandy, a region in France.';

describe('dropSharedWords (reworded training questions)', () => {
  it('at rate 0 returns the question as written', () => {
    const q = 'Who gave their name to Normandy?';
    expect(dropSharedWords(q, PASSAGE, 0, new Rng(1))).toBe(q);
  });

  it('at rate 1 drops every shared content word but one and keeps function words and unshared words', () => {
    const out = dropSharedWords('In what country is the region of Normandy located?', PASSAGE, 1, new Rng(1));
    // "country" and "located" are not in the passage; "region" and "Normandy" are.
    expect(out).toBe('In what country is the of located?');
  });

  it('keeps the question whole when dropping would leave no content word', () => {
    const q = 'Where is Normandy?';
    expect(dropSharedWords(q, PASSAGE, 1, new Rng(1))).toBe(q);
  });

  it('compares English words by stem', () => {
    // "century" and "centuries" share the stem.
    expect(dropSharedWords('Which century saw the Normans arrive?', PASSAGE, 1, new Rng(1))).toBe(
      'Which saw the arrive?',
    );
  });

  it('drops character pairs of a Chinese question that the passage holds, also across Traditional and Simplified', () => {
    const passage = '中國共產黨成立於1921年，是中華人民共和國的執政黨。';
    const out = dropSharedWords('中国共产党是哪一年成立的？', passage, 1, new Rng(1));
    // Pairs from the start of the run: 中国, 共产 go; 党 is left alone (党是 holds a function character).
    expect(out).toBe('党是哪一年的？');
  });

  it('knows the function characters of a Traditional question', () => {
    // 麼 is 么, a function character: 什麼 is not a pair to drop even where the passage holds it.
    expect(
      dropSharedWords('這場比賽是什麼時候舉行的？', '比賽什麼時候舉行，沒有人知道。', 1, new Rng(1)),
    ).toBe('這場是什麼的？');
  });

  it('treats a Latin word inside Chinese text as a word of its own', () => {
    // Python and 脚本 are in the passage; 写 and 用 are not.
    expect(dropSharedWords('怎么用Python写脚本？', 'Python脚本的写法', 1, new Rng(1))).toBe('怎么用写？');
  });

  it('is deterministic for a seed and drops about the given share', () => {
    const words = Array.from({ length: 200 }, (_, i) => `term${i}`);
    const passage = words.join(' ');
    const question = `${words.join(' ')} unshared`;
    const a = dropSharedWords(question, passage, 0.5, new Rng(9));
    expect(dropSharedWords(question, passage, 0.5, new Rng(9))).toBe(a);
    const kept = a.split(' ').length - 1;
    expect(kept).toBeGreaterThan(70);
    expect(kept).toBeLessThan(130);
  });

  it('rewordedPairs adds reworded copies of a share of the pairs and leaves the originals alone', () => {
    const pairs = [
      { question: 'Which country gave its name to Normandy?', passage: PASSAGE, id: 'a' },
      { question: 'What colour is the sky?', passage: PASSAGE, id: 'b' },
    ];
    const copies = rewordedPairs(pairs, { fraction: 1, rate: 1 }, 1);
    // "sky" and "colour" are not in the passage: nothing to drop, no copy.
    expect(copies).toEqual([{ question: 'Which country its to?', passage: PASSAGE, id: 'a' }]);
    expect(pairs[0].question).toBe('Which country gave its name to Normandy?');
    expect(rewordedPairs(pairs, { fraction: 0, rate: 1 }, 1)).toEqual([]);
  });
});
