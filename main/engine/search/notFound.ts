/** What the not-found decision looks at: the best passage's evidence. */
export interface TopEvidence {
  /** IDF-weighted share of the question's terms found in the best passage (0..1). */
  coverage: number;
  /** Cosine of the question with the best passage; null when the dense channel is off. */
  cosine: number | null;
  /** The question's named words (namedTerms.ts) that no passage of the library holds. */
  absentNames: readonly string[];
  /** Share of the question's content units that no passage holds, nor any searched translation. */
  absentShare: number;
}

export interface NotFoundThresholds {
  minCoverage: number;
  minCosine: number;
  /** From this share of the question's words missing from the whole library, the library is about something else. */
  minAbsentShare: number;
}

/**
 * "Not found in your documents" needs two things. The best passage is weak: it
 * neither covers enough of the question's (IDF-weighted) terms nor is close
 * enough to it in the dense space (thresholds from the SQuAD-style dev sets,
 * main/engine/eval/README.md). And the library itself lacks what the question
 * is about: a name the question uses ("Docker", "Moodle") occurs in no passage,
 * or most of its words occur in none. A question whose every name and most
 * words the library holds is a paraphrase of something it covers, and weak
 * word overlap with the best passage is what paraphrases look like: it gets
 * its best passages. Half of the words: a rule of thumb, not fitted (none of
 * the dev sets' questions comes near it either way); the training pairs'
 * questions measure both rules (scripts/measure-not-found.ts).
 */
export const DEFAULT_NOT_FOUND: NotFoundThresholds = {
  minCoverage: 0.4,
  minCosine: 0.8,
  minAbsentShare: 0.5,
};

export class NotFoundRule {
  constructor(readonly thresholds: NotFoundThresholds = DEFAULT_NOT_FOUND) {}

  /** The best passage is weak: it covers little of the question and is not close to it in the dense space. */
  isWeak(e: TopEvidence): boolean {
    if (e.coverage >= this.thresholds.minCoverage) return false;
    return e.cosine === null || e.cosine < this.thresholds.minCosine;
  }

  isNotFound(e: TopEvidence): boolean {
    if (!this.isWeak(e)) return false;
    return e.absentNames.length > 0 || e.absentShare >= this.thresholds.minAbsentShare;
  }
}
