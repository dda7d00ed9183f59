import { isIndexedCjk } from '../text/cjk.js';
import { stopwordSet } from './coverage.js';
import type { TextLanguage } from './textLanguage.js';

/** Below this share of the library's passages, the question's language is the library's minority. */
export const MINORITY_SHARE = 0.5;

/**
 * The question's terms that BM25 searches, given how much of the library is
 * written in the question's language. A function word's IDF reflects how often
 * its language occurs in the library, not what the question asks: in a Chinese
 * library that holds a few English passages (a licence notice, an untranslated
 * note), "the", "how" and "with" occur in few passages, score as rare words and
 * pull those passages to the top of every English question, above the Chinese
 * passages its translation finds. So when the question's language holds less
 * than half of the library, the function words of that language are not
 * searched. Words of the other script are kept: in a Chinese question the
 * English words are names and commands (".so" is no stop word there). A
 * question made of nothing but function words keeps them all. (Chinese is
 * searched by character pairs, which are never function words, so it is mostly
 * English questions over a mostly Chinese library that this changes; a Chinese
 * question's lone characters between punctuation are the exception: 18 of
 * cmrc2018-dev's 3,219 questions in the pooled SQuAD-style library.)
 */
export function withoutMinorityFunctionWords(
  terms: readonly string[],
  questionLanguage: TextLanguage,
  questionLanguageShare: number,
): string[] {
  if (questionLanguageShare >= MINORITY_SHARE) return [...terms];
  const stop = stopwordSet();
  const chinese = questionLanguage === 'zh';
  const kept = terms.filter((t) => !stop.has(t) || isIndexedCjk(t.codePointAt(0)!) !== chinese);
  return kept.length ? kept : [...terms];
}
