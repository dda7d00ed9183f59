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
}

/**
 * The questions the user answered, looked up by exact text and by question-vector
 * similarity: a passage chosen for a question like this one is likely the answer again
 * (the popularity effect clickthrough models learn).
 */
export class FeedbackMemory {
  private readonly byKey = new Map<string, RememberedQuestion[]>();
  private readonly simCache = new WeakMap<Float32Array, Float32Array>();

  constructor(readonly questions: readonly RememberedQuestion[]) {
    for (const q of questions) {
      const list = this.byKey.get(q.key);
      if (list) list.push(q);
      else this.byKey.set(q.key, [q]);
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
    return { exact, similar };
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
