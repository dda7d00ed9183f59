import { isHanOrKana } from '../text/cjk.js';
import { foldChinese } from '../towers/chineseFold.js';

/**
 * Tokens for the in-memory BM25 baseline, as the measured baseline was tokenised:
 * NFKC, lower case, Traditional→Simplified fold (the featurizer's), Latin/digit
 * words, and CJK character unigrams plus bigrams within a CJK run (the
 * featurizer's Han and kana, text/cjk.ts).
 */
const RUN = /[\p{L}\p{N}\p{M}]+/gu;

export function bm25Tokens(text: string): string[] {
  const norm = text.normalize('NFKC').toLowerCase();
  const tokens: string[] = [];
  for (const match of norm.matchAll(RUN)) {
    let word = '';
    let previous = '';
    for (const c of match[0]) {
      const cp = c.codePointAt(0)!;
      if (!isHanOrKana(cp)) {
        word += c;
        previous = '';
        continue;
      }
      if (word) tokens.push(word);
      word = '';
      const char = String.fromCodePoint(foldChinese(cp));
      if (previous) tokens.push(previous + char);
      tokens.push(char);
      previous = char;
    }
    if (word) tokens.push(word);
  }
  return tokens;
}
