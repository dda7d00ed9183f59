import { foldChinese } from '../towers/chineseFold.js';

/**
 * Tokens for the in-memory BM25 baseline, as DESIGN §5's baseline defines them:
 * NFKC, lower case, Traditional→Simplified fold (the featurizer's), Latin/digit
 * words, and CJK character unigrams plus bigrams within a CJK run.
 */
const RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}〇]+|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}\p{M}])+/gu;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}〇]/u;

export function bm25Tokens(text: string): string[] {
  const norm = text.normalize('NFKC').toLowerCase();
  const tokens: string[] = [];
  for (const match of norm.matchAll(RUN)) {
    const run = match[0];
    if (!CJK.test(run)) {
      tokens.push(run);
      continue;
    }
    const chars = Array.from(run, (c) => String.fromCodePoint(foldChinese(c.codePointAt(0)!)));
    for (let i = 0; i < chars.length; i++) {
      tokens.push(chars[i]!);
      if (i + 1 < chars.length) tokens.push(chars[i]! + chars[i + 1]!);
    }
  }
  return tokens;
}
