/** What the not-found decision looks at: the best passage's evidence. */
export interface TopEvidence {
  /** IDF-weighted share of the question's terms found in the best passage (0..1). */
  coverage: number;
  /** Cosine of the question with the best passage; null when the dense channel is off. */
  cosine: number | null;
}

export interface NotFoundThresholds {
  minCoverage: number;
  minCosine: number;
}

/**
 * "Not found in your documents": the best passage neither covers enough of the
 * question's (IDF-weighted) terms nor is close enough to it in the dense space.
 * Thresholds calibrated on the dev sets (main/engine/eval/README.md): questions whose
 * documents are in the library vs questions whose documents are not.
 */
export const DEFAULT_NOT_FOUND: NotFoundThresholds = { minCoverage: 0.4, minCosine: 0.8 };

export class NotFoundRule {
  constructor(readonly thresholds: NotFoundThresholds = DEFAULT_NOT_FOUND) {}

  isNotFound(e: TopEvidence): boolean {
    if (e.coverage >= this.thresholds.minCoverage) return false;
    return e.cosine === null || e.cosine < this.thresholds.minCosine;
  }
}
