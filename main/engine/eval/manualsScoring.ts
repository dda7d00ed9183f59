import type { ManualsQuestion } from './manualsSet.js';

/** A retrieved passage as the manuals rule sees it: its path relative to the library folder and its text. */
export interface ManualsPassage {
  path: string;
  text: string;
}

/** The rule's normalisation: all whitespace removed, lower-cased. */
export const normaliseSnippetText = (s: string): string => s.replace(/\s+/gu, '').toLowerCase();

/**
 * 1-based rank of the first hit among the first 10 passages, 0 if none. A passage is a hit
 * when its path is one of the question's gold docs (compared on '/' boundaries, as
 * score_manuals.py does) and its whitespace-free, lower-cased text holds a gold snippet.
 */
export function firstManualsHitRank(q: ManualsQuestion, passages: readonly ManualsPassage[]): number {
  const snippets = q.answers.map(normaliseSnippetText).filter((s) => s.length > 0);
  const n = Math.min(10, passages.length);
  for (let i = 0; i < n; i++) {
    const p = passages[i].path.replace(/\\/g, '/');
    if (!q.docs.some((d) => p === d || p.endsWith('/' + d))) continue;
    const text = normaliseSnippetText(passages[i].text);
    if (snippets.some((s) => text.includes(s))) return i + 1;
  }
  return 0;
}

export interface ManualsMetrics {
  kind: string;
  questions: number;
  /** The README rule: a "not found" answer counts as no hit. Null for kind `none`. */
  'hit@1': number | null;
  'hit@3': number | null;
  'hit@10': number | null;
  'mrr@10': number | null;
  /** Questions answered "not found" (right for kind `none`, wrong for the others). */
  notFound: number;
  /** The same ranking with "not found" ignored (the closest passages counted), for diagnosis. */
  ranked: { 'hit@1': number; 'hit@3': number; 'hit@10': number; 'mrr@10': number } | null;
}

/** Per-kind accumulator of first-hit ranks and "not found" answers. */
export class ManualsAccumulator {
  private readonly kinds = new Map<string, { n: number; nf: number; strict: number[]; loose: number[] }>();

  add(kind: string, firstHitRank: number, notFound: boolean): void {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { n: 0, nf: 0, strict: [], loose: [] }));
    k.n++;
    if (notFound) k.nf++;
    k.loose.push(firstHitRank);
    k.strict.push(notFound ? 0 : firstHitRank);
  }

  result(): ManualsMetrics[] {
    const r4 = (x: number): number => Math.round(x * 10000) / 10000;
    const summary = (ranks: number[]) => {
      const n = ranks.length || 1;
      const within = (k: number) => r4(ranks.filter((r) => r >= 1 && r <= k).length / n);
      return {
        'hit@1': within(1),
        'hit@3': within(3),
        'hit@10': within(10),
        'mrr@10': r4(ranks.reduce((s, r) => s + (r >= 1 && r <= 10 ? 1 / r : 0), 0) / n),
      };
    };
    return [...this.kinds.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, k]) => {
        const answerable = kind !== 'none';
        const strict = answerable ? summary(k.strict) : null;
        return {
          kind,
          questions: k.n,
          'hit@1': strict ? strict['hit@1'] : null,
          'hit@3': strict ? strict['hit@3'] : null,
          'hit@10': strict ? strict['hit@10'] : null,
          'mrr@10': strict ? strict['mrr@10'] : null,
          notFound: k.nf,
          ranked: answerable ? summary(k.loose) : null,
        };
      });
  }
}
