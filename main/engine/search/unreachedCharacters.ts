import { analyze } from '../text/analyzer.js';
import { isIndexedCjk } from '../text/cjk.js';
import type { Bm25Channel, TermStats } from './bm25.js';
import { stopwordSet } from './coverage.js';
import type { Lexicon } from './lexicon.js';
import { foldForLexicon } from './lexiconText.js';
import { segmentChinese } from './translateQuery.js';

/** A run of Han or kana in a question: its characters (folded as indexed) and their bigrams. */
export interface CharacterRun {
  chars: string[];
  pairs: string[];
}

/** The question's runs of two or more indexed CJK characters, as the analyzer reads them. */
export function characterRuns(question: string): CharacterRun[] {
  const runs: CharacterRun[] = [];
  const text = question.slice(0, 4000);
  let start = -1;
  const close = (end: number) => {
    if (start < 0) return;
    const chars: string[] = [];
    const pairs = analyze(text.slice(start, end), { chars });
    // A run NFKC or folding reads differently (a compatibility ideograph) is left alone.
    if (chars.length >= 2 && pairs.length === chars.length - 1) runs.push({ chars, pairs });
    start = -1;
  };
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    if (isIndexedCjk(cp)) {
      if (start < 0) start = i;
    } else close(i);
    i += cp > 0xffff ? 2 : 1;
  }
  close(text.length);
  return runs;
}

/**
 * Characters that no bigram of the question reaches: neither pair a character
 * forms with its neighbours occurs in the library (`pairDf`). A rare
 * one-character word (䲟, a fish) written next to a function character
 * (䲟又叫做什么) is otherwise never searched, since the index keeps bigrams in
 * the body and characters only in the `chars` column. Searched alone, each
 * such character (that the library holds) matches that column; a common one
 * weighs little there.
 */
export function unreachedCharacters(
  runs: readonly CharacterRun[],
  pairDf: (pair: string) => number,
): string[] {
  const out = new Set<string>();
  for (const { chars, pairs } of runs)
    chars.forEach((c, i) => {
      if (!((i > 0 && pairDf(pairs[i - 1]) > 0) || (i < pairs.length && pairDf(pairs[i]) > 0))) out.add(c);
    });
  return [...out];
}

/**
 * What BM25 searches besides the question's terms (`searched`): its
 * unreached characters that the library holds, with their chunk counts. In
 * practice a rare one-character word (䲟) or a colloquial one (装 for 安装, 传
 * for 上传). Function characters are left out (怎 of 怎么 in a library that
 * writes 如何: noise), and, with a lexicon, the characters of its longer
 * words: 茶 of 绿茶 is not green tea, and searched alone it put a passage on
 * tea sets above the English one on green tea.
 */
export function unreachedCharacterTerms(
  question: string,
  searched: readonly string[],
  searchedStats: TermStats,
  bm25: Bm25Channel,
  lexicon: Lexicon | null,
): { terms: string[]; df: Map<string, number> } {
  const runs = characterRuns(question);
  if (!runs.length) return { terms: [], df: new Map() };
  // The question's pairs are its searched terms, read already (past a long question's term cap: read now).
  const unread = runs.flatMap((r) => r.pairs).filter((p) => !searchedStats.df.has(p));
  const pairs = unread.length
    ? new Map([...searchedStats.df, ...bm25.termStats(unread).df])
    : searchedStats.df;
  const own = new Set(searched);
  const stop = stopwordSet();
  const singles = lexicon
    ? new Set(segmentChinese(lexicon, question).filter((w) => [...w].length === 1))
    : null;
  const candidates = unreachedCharacters(runs, (p) => pairs.get(p) ?? 0).filter(
    // Segments are in the lexicon's fold (怎么 → 怎幺), index characters in the analyzer's.
    (t) => !own.has(t) && !stop.has(t) && (!singles || singles.has(foldForLexicon(t))),
  );
  // Only then their chunk counts: a common character's is a walk of a long posting list.
  const { df } = bm25.termStats(candidates);
  const terms = candidates.filter((t) => (df.get(t) ?? 0) > 0);
  return { terms, df: new Map(terms.map((t) => [t, df.get(t) ?? 0])) };
}
