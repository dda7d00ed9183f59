import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../main/engine/ingest/sentences.js';
import { isHanOrKana, isIndexedCjk, startsEastAsianText } from '../../main/engine/text/cjk.js';
import { analyze } from '../../main/engine/text/analyzer.js';
import { tokenizeForIndex } from '../../main/engine/towers/textRuns.js';
import { bm25Tokens } from '../../main/engine/train/bm25Tokens.js';

/** Code points on which the three sets differ, with each set's answer: [Han/kana, indexed, East Asian text]. */
const EDGES: [name: string, cp: number, answers: [boolean, boolean, boolean]][] = [
  ['一 (unified ideograph)', 0x4e00, [true, true, true]],
  ['ぁ (hiragana)', 0x3041, [true, true, true]],
  ['ー (prolonged sound mark)', 0x30fc, [true, true, true]],
  ['豈 (compatibility ideograph)', 0xf900, [true, true, true]],
  ['𠀀 (extension B)', 0x20000, [true, true, true]],
  ['〇 (ideographic zero)', 0x3007, [true, false, true]],
  ['ㇰ (katakana phonetic extension)', 0x31f0, [true, false, true]],
  ['U+31350 (extension H)', 0x31350, [true, false, true]],
  ['U+323B0 (past extension H)', 0x323b0, [false, false, true]],
  ['😀 (emoji)', 0x1f600, [false, false, true]],
  ['⺀ (CJK radical)', 0x2e80, [false, false, true]],
  ['、 (ideographic comma)', 0x3001, [false, false, true]],
  ['가 (Hangul syllable)', 0xac00, [false, false, true]],
  ['！ (full-width form)', 0xff01, [false, false, true]],
  ['A', 0x41, [false, false, false]],
  ['é', 0xe9, [false, false, false]],
];

/** startsEastAsianText reads UTF-16 code units: a character outside the BMP is its high surrogate. */
const firstUnit = (cp: number): number => String.fromCodePoint(cp).charCodeAt(0);

describe('text/cjk: one definition of CJK characters, and the two frozen variants', () => {
  it.each(EDGES)('%s', (_name, cp, [hanOrKana, indexed, eastAsian]) => {
    expect(isHanOrKana(cp)).toBe(hanOrKana);
    expect(isIndexedCjk(cp)).toBe(indexed);
    expect(startsEastAsianText(firstUnit(cp))).toBe(eastAsian);
  });

  it('is what the featurizer, the training baseline, the index and the sentence splitter use', () => {
    // 〇 is a CJK character for the featurizer and the baseline, a letter of a word for the index.
    expect(tokenizeForIndex('a〇b')).toEqual(['a', '〇', 'b']);
    expect(bm25Tokens('a〇b')).toEqual(['a', '〇', 'b']);
    expect(analyze('a〇b')).toEqual(['a〇b']);
    // "!" before Hangul ends a sentence; before a Latin letter it does not ("Yahoo!Japan").
    expect(splitSentences('좋아요!다음').length).toBe(2);
    expect(splitSentences('Yahoo!Japan').length).toBe(1);
  });
});
