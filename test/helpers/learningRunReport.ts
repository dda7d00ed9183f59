import type { LearningRunReport } from '../../main/engine/vocabulary/shapes.js';

/** A learning run that activated its model on 20 held-back questions (hit@1 0.45 → 0.6), with `over` on top. */
export const learningRunReport = (over: Partial<LearningRunReport> = {}): LearningRunReport => ({
  outcome: 'activated',
  questions: 60,
  trained: 40,
  heldBack: 20,
  before: { hit1: 0.45, mrr: 0.5625 },
  after: { hit1: 0.6, mrr: 0.7 },
  chosen: null,
  ms: 120,
  ...over,
});
