import { contentUnits } from '../search/coverage.js';
import { queryTerms } from '../search/ftsQuery.js';
import { isIndexedCjk } from '../text/cjk.js';
import type { SignalKind } from '../vocabulary/values.js';

/**
 * How much each signal says about a passage for its question. "This answered it" and
 * "not this" are the user's word; copying the passage or opening its file say less,
 * a preview less still. A passage shown above a chosen one and skipped counts
 * slightly against it (clickthrough's skip-above negatives).
 */
export const SIGNAL_VOTE: Record<SignalKind, number> = {
  good: 1,
  copy: 0.6,
  open: 0.5,
  preview: 0.3,
  bad: -1,
};
export const SKIPPED_VOTE = -0.3;

export const isPositive = (kind: SignalKind): boolean => SIGNAL_VOTE[kind] > 0;

/** One asked question with what the user's signals say of each passage (chunk id → vote in −1..1). */
export interface RememberedQuestion {
  key: string;
  /** The question tower's vector of the question (the pack's own tower, not adapted). */
  vector: Float32Array | null;
  votes: Map<number, number>;
}

/** The same question however it is typed: case, width, spacing and end punctuation aside. */
export function questionKey(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s?？!！.。,，;；:：]+$/u, '')
    .trim();
}

export interface MemoryScores {
  /** Votes of the very same question asked before. */
  exact: Map<number, number>;
  /** Positive votes of similar questions, each weighted by how far its similarity is above the threshold. */
  similar: Map<number, number>;
  /** Positive votes of every other question: how often a passage was the answer at all. */
  popular(chunkId: number): number;
  /**
   * How well the question matches the other questions a passage was chosen for (tf-idf cosine
   * over their words): the passage's clickthrough field, as search engines expand a document
   * with the queries that led to it.
   */
  field(chunkId: number): number;
}

/** A question's words for the clickthrough field: English stems and Chinese characters and character pairs. */
export function questionTerms(text: string): string[] {
  const pairs = queryTerms(text).filter((t) => t.length === 2 && isIndexedCjk(t.codePointAt(0)!));
  return [...new Set([...contentUnits(text), ...pairs])];
}

/**
 * The questions the user answered, looked up by exact text and by question-vector
 * similarity: a passage chosen for a question like this one is likely the answer again
 * (the popularity effect clickthrough models learn).
 */
export class FeedbackMemory {
  private readonly byKey = new Map<string, RememberedQuestion[]>();
  private readonly simCache = new WeakMap<Float32Array, Float32Array>();

  /** Per passage, the questions it was chosen for: their text key, words and vote. */
  private readonly chosenFor = new Map<number, { key: string; terms: readonly string[]; vote: number }[]>();
  /** In how many remembered questions each word occurs. */
  private readonly df = new Map<string, number>();
  /** Positive votes per passage over all questions, and per question text (to leave one out). */
  private readonly chosenTotal = new Map<number, number>();
  private readonly chosenByKey = new Map<string, Map<number, number>>();

  constructor(readonly questions: readonly RememberedQuestion[]) {
    for (const q of questions) {
      const list = this.byKey.get(q.key);
      if (list) list.push(q);
      else this.byKey.set(q.key, [q]);
      const terms = questionTerms(q.key);
      for (const t of terms) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      for (const [id, v] of q.votes) {
        if (v <= 0) continue;
        let field = this.chosenFor.get(id);
        if (!field) this.chosenFor.set(id, (field = []));
        field.push({ key: q.key, terms, vote: v });
        this.chosenTotal.set(id, (this.chosenTotal.get(id) ?? 0) + v);
        let own = this.chosenByKey.get(q.key);
        if (!own) this.chosenByKey.set(q.key, (own = new Map()));
        own.set(id, (own.get(id) ?? 0) + v);
      }
    }
  }

  get size(): number {
    return this.questions.length;
  }

  /** `excludeKey`: leave one question's own signals out (training on the rest). */
  scores(
    key: string,
    vector: Float32Array | null,
    threshold: number,
    excludeKey: string | null = null,
  ): MemoryScores {
    const exact = new Map<number, number>();
    const similar = new Map<number, number>();
    if (key !== excludeKey)
      for (const q of this.byKey.get(key) ?? [])
        for (const [id, v] of q.votes) exact.set(id, clamp((exact.get(id) ?? 0) + v));
    if (vector && threshold < 1) {
      const sims = this.similarities(vector);
      for (let n = 0; n < this.questions.length; n++) {
        const q = this.questions[n];
        const sim = sims[n];
        if (sim <= threshold || q.key === key || q.key === excludeKey) continue;
        const w = (sim - threshold) / (1 - threshold);
        // Only what was chosen carries over to other questions: a passage skipped or refused for one
        // question may well answer a similar one (another paragraph of the same article).
        for (const [id, v] of q.votes) if (v > 0) similar.set(id, (similar.get(id) ?? 0) + w * v);
      }
    }
    const popular = (id: number): number => {
      const total = this.chosenTotal.get(id);
      if (!total) return 0;
      const own = this.chosenByKey.get(key)?.get(id) ?? 0;
      const excluded =
        excludeKey && excludeKey !== key ? (this.chosenByKey.get(excludeKey)?.get(id) ?? 0) : 0;
      return total - own - excluded;
    };
    let asked: Map<string, number> | null = null;
    let askedNorm = 0;
    const field = (id: number): number => {
      const entries = this.chosenFor.get(id);
      if (!entries) return 0;
      if (!asked) {
        asked = new Map(questionTerms(key).map((t) => [t, this.idf(t)]));
        askedNorm = Math.sqrt([...asked.values()].reduce((sum, w) => sum + w * w, 0));
      }
      const weights = new Map<string, number>();
      for (const e of entries) {
        if (e.key === key || e.key === excludeKey) continue;
        for (const t of e.terms) weights.set(t, (weights.get(t) ?? 0) + e.vote);
      }
      let dot = 0;
      let norm = 0;
      for (const [t, f] of weights) {
        const w = f * this.idf(t);
        norm += w * w;
        const a = asked.get(t);
        if (a) dot += a * w;
      }
      return dot > 0 ? dot / (askedNorm * Math.sqrt(norm)) : 0;
    };
    return { exact, similar, popular, field };
  }

  private idf(term: string): number {
    return Math.log(1 + this.questions.length / (1 + (this.df.get(term) ?? 0)));
  }

  /** Cosine of a question with every remembered one (kept while the same vector is asked about again). */
  private similarities(vector: Float32Array): Float32Array {
    let sims = this.simCache.get(vector);
    if (!sims) {
      sims = new Float32Array(this.questions.length);
      for (let n = 0; n < this.questions.length; n++) {
        const v = this.questions[n].vector;
        if (!v) {
          sims[n] = -1;
          continue;
        }
        let dot = 0;
        for (let i = 0; i < vector.length; i++) dot += vector[i] * v[i];
        sims[n] = dot;
      }
      this.simCache.set(vector, sims);
    }
    return sims;
  }
}

const clamp = (v: number) => Math.max(-1, Math.min(1, v));
