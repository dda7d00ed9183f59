import { describe, expect, it } from 'vitest';
import { learnedParts, runOutcome } from '../../main/cli/learningCommands.js';
import type { LearningRunReport } from '../../main/engine/vocabulary/shapes.js';
import { learningRunReport } from '../helpers/learningRunReport.js';

const report = (over: Partial<LearningRunReport>): LearningRunReport =>
  learningRunReport({
    chosen: {
      adapter: true,
      denseWeight: 0.15,
      memoryWeight: 1,
      memoryThreshold: 0.5,
      popularityWeight: 0,
      fieldWeight: 0,
      rankerTrees: 30,
    },
    ...over,
  });

describe('docqa learning lines', () => {
  it('say what a learned model changes', () => {
    expect(learnedParts(report({}))).toBe(
      "question-side adapter, 30 trees added to the pack's ranker, similar-question memory",
    );
    expect(learnedParts(report({ chosen: null }))).toBe('');
  });

  it('give a run outcome with its held-back figures, or how many questions are still needed', () => {
    expect(runOutcome(report({}), 20)).toBe(
      'the new model is active: better on 20 held-back questions (hit@1 0.450 → 0.600, MRR 0.563 → 0.700)',
    );
    expect(runOutcome(report({ outcome: 'too-few', questions: 7 }), 20)).toMatch(
      /needs 33 more question\(s\)/,
    );
  });
});
