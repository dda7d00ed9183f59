import type { EvalQuestion } from './evalSet.js';

/** A retrieved passage as the scorer sees it. */
export interface ScoredPassage {
  /** Absolute folder the document was indexed from, and its path relative to it ('/' separators). */
  folder: string;
  path: string;
  start: number;
  end: number;
  text: string;
}

/**
 * The rule of ../shared/eval/README.md: a passage is a hit when it comes from
 * the gold document and overlaps the gold span; a passage from the gold document
 * that contains a gold answer string also counts.
 */
function isHit(q: EvalQuestion, docsDir: string, p: ScoredPassage): boolean {
  if (p.folder !== docsDir || p.path !== q.doc) return false;
  if (p.start < q.end && q.start < p.end) return true;
  return q.answers.some((a) => a.length > 0 && p.text.includes(a));
}

export interface Metrics {
  questions: number;
  'hit@1': number;
  'hit@5': number;
  'hit@10': number;
  'mrr@10': number;
}

/** Accumulates the rank of the first hit per question (0 = none in the top 10). */
export class MetricsAccumulator {
  private n = 0;
  private h1 = 0;
  private h5 = 0;
  private h10 = 0;
  private rr = 0;

  add(firstHitRank: number): void {
    this.n++;
    if (firstHitRank >= 1) {
      if (firstHitRank <= 1) this.h1++;
      if (firstHitRank <= 5) this.h5++;
      if (firstHitRank <= 10) {
        this.h10++;
        this.rr += 1 / firstHitRank;
      }
    }
  }

  result(): Metrics {
    const r = (x: number): number => (this.n ? Math.round((x / this.n) * 10000) / 10000 : 0);
    return {
      questions: this.n,
      'hit@1': r(this.h1),
      'hit@5': r(this.h5),
      'hit@10': r(this.h10),
      'mrr@10': r(this.rr),
    };
  }
}

/** 1-based rank of the first hit among `passages` (first 10 considered), 0 if none. */
export function firstHitRank(q: EvalQuestion, docsDir: string, passages: readonly ScoredPassage[]): number {
  const n = Math.min(10, passages.length);
  for (let i = 0; i < n; i++) if (isHit(q, docsDir, passages[i])) return i + 1;
  return 0;
}
