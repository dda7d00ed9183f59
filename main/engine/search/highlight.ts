import type { TextRange } from '../vocabulary/shapes.js';
import { analyze } from '../text/analyzer.js';
import type { TermStats } from './bm25.js';
import { idf } from './idf.js';
import { splitSentences } from '../ingest/sentences.js';

const MAX_HIGHLIGHTS = 2;

/**
 * The passage's best sentences for the question: sentences ranked by the summed
 * IDF of the distinct question terms they contain; the best one, plus the
 * runner-up when it is nearly as good. Offsets are relative to `text`, in text order.
 */
export function highlightSentences(
  text: string,
  questionTerms: readonly string[],
  stats: TermStats,
  headingPath: readonly string[] = [],
): TextRange[] {
  const wanted = new Set(questionTerms);
  if (!wanted.size) return [];
  const headings = new Set(headingPath.map((h) => h.trim()));
  const scored: { range: TextRange; score: number }[] = [];
  for (const range of splitSentences(text)) {
    // A heading repeats words of the question without answering it.
    const sentence = text
      .slice(range.start, range.end)
      .replace(/^#+\s*/, '')
      .trim();
    if (headings.has(sentence)) continue;
    const seen = new Set<string>();
    let score = 0;
    for (const t of analyze(text.slice(range.start, range.end))) {
      if (wanted.has(t) && !seen.has(t)) {
        seen.add(t);
        score += idf(t, stats);
      }
    }
    if (score > 0) scored.push({ range: { start: range.start, end: range.end }, score });
  }
  if (!scored.length) return [];
  scored.sort((a, b) => b.score - a.score || a.range.start - b.range.start);
  const best = scored[0].score;
  return scored
    .slice(0, MAX_HIGHLIGHTS)
    .filter((s) => s.score >= best * 0.6)
    .map((s) => s.range)
    .sort((a, b) => a.start - b.start);
}
