import { analyze } from '../text/analyzer.js';
import { isIndexedCjk } from '../text/cjk.js';
import type { TermStats } from './bm25.js';
import { idf } from './idf.js';

// Function words carry no evidence that a passage answers a question: in a
// small library they are rare, so their IDF would wrongly count them as
// content. Stemmed the same way as index terms.
const ENGLISH_STOPWORDS = `a about above after again against all am an and any are as at be because been before being below
  between both but by can could did do does doing down during each few for from further had has have having he her here
  hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once
  only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then
  there these they this those through to too under until up very was we were what when where which while who whom why will
  with would you your yours yourself yourselves tell please`;
const CHINESE_STOP_CHARS =
  '的了吗呢吧啊么是在有和与及或什怎哪谁几多少如何为个这那要会能可以就都也还被把给让对从到请问';

let stopwords: Set<string> | null = null;

/** Function words of questions (English stems and Chinese characters), as index terms. */
export function stopwordSet(): Set<string> {
  if (!stopwords) stopwords = new Set([...analyze(ENGLISH_STOPWORDS), ...CHINESE_STOP_CHARS]);
  return stopwords;
}

/**
 * The content units of a text for coverage: words (stemmed) and CJK
 * characters, without function words. Characters rather than bigrams: a
 * question's bigrams that cross word boundaries (年假有几天 → 假有, 有几) rarely
 * occur in the answer even when every word does.
 */
export function contentUnits(text: string): Set<string> {
  const chars: string[] = [];
  const units = new Set<string>();
  const stop = stopwordSet();
  for (const t of analyze(text, { chars })) {
    if (!isIndexedCjk(t.codePointAt(0)!) && !stop.has(t)) units.add(t);
  }
  for (const c of chars) if (!stop.has(c)) units.add(c);
  return units;
}

/**
 * How much of the question a passage covers: the IDF-weighted share of the
 * question's content units that occur in it (0..1). Comparable across questions
 * and library sizes, unlike a raw BM25 score.
 */
export function coverage(
  questionUnits: ReadonlySet<string>,
  passageUnits: ReadonlySet<string>,
  stats: TermStats,
): number {
  let total = 0;
  let found = 0;
  for (const u of questionUnits) {
    const w = idf(u, stats);
    total += w;
    if (passageUnits.has(u)) found += w;
  }
  return total > 0 ? found / total : 0;
}
