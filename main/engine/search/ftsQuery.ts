import { analyze } from '../text/analyzer.js';

/** Questions are cut to this many distinct terms (a 10k-character question stays fast). */
export const MAX_QUERY_TERMS = 64;
/** And read only this far. */
export const QUERY_MAX_CHARS = 4000;

/**
 * The question's distinct index terms, in order of first appearance. Only our
 * analyzer's tokens reach FTS5, each as a quoted string, so nothing a person
 * types (quotes, NEAR, AND/OR/NOT, `*`, `-`, `:`, `^`, parentheses, SQL) is ever
 * read as query syntax.
 */
export function queryTerms(question: string): string[] {
  const seen = new Set<string>();
  for (const t of analyze(question, { maxChars: QUERY_MAX_CHARS })) {
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
