import { analyze } from '../text/analyzer.js';
import { isIndexedCjk } from '../text/cjk.js';

/** Questions are cut to this many distinct terms (a 10k-character question stays fast). */
export const MAX_QUERY_TERMS = 64;

/**
 * The question's distinct index terms, in order of first appearance. Only our
 * analyzer's tokens reach FTS5, each as a quoted string, so nothing a person
 * types (quotes, NEAR, AND/OR/NOT, `*`, `-`, `:`, `^`, parentheses, SQL) is ever
 * read as query syntax.
 */
export function queryTerms(question: string): string[] {
  const seen = new Set<string>();
  for (const t of analyze(question, { maxChars: 4000 })) {
    if (!seen.has(t)) seen.add(t);
    if (seen.size >= MAX_QUERY_TERMS) break;
  }
  return [...seen];
}

/** An FTS5 MATCH expression: any of the terms (BM25 ranks by how many and how rare). Null when there are none. */
export function matchExpression(terms: readonly string[]): string | null {
  if (!terms.length) return null;
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}

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
