import { describe, expect, it } from 'vitest';
import { learnFromSignals, type LearningQuestion } from '../../main/engine/feedback/learner.js';
import { refinedModel, type LearnedParams } from '../../main/engine/feedback/learnedParams.js';
import { scoreGbdt, type GbdtModel } from '../../main/engine/rank/gbdt.js';
import { trainLambdaMart } from '../../main/engine/train/lambdaMart.js';
import { seededRandom } from '../library/random.js';

/**
 * The learner's decision about trees added to the pack's ranker, on candidate lists made by
 * code: the pack's ranker knows one feature, the user's choices follow two. Searching is
 * replaced by ranking the same rows (the real search is covered by learning.test.ts).
 */
const DIM = 8;
const CANDIDATES = 12;
const FEATURES = ['a', 'b', 'c'];
const OPTIONS = { trees: 40, learningRate: 0.2, maxDepth: 3, minLeafRows: 10, lambda: 1, bins: 32 };

function unit(random: () => number): Float32Array {
  const v = Float32Array.from({ length: DIM }, () => random() - 0.5);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** Where a question-side model (one with an adapter) puts the asked questions' chosen passages. */
type QuestionSideRanks = (questions: readonly LearningQuestion[], leaveOneOut: boolean) => number[];

function world(
  seed: number,
  choose: (rows: Float32Array[], random: () => number) => number,
  questionSide?: QuestionSideRanks,
) {
  const random = seededRandom(seed);
  const makeRows = () =>
    Array.from({ length: CANDIDATES }, () => Float32Array.from(FEATURES, () => random()));
  // The pack's ranker: trained where the answer has the largest a.
  const shipped = Array.from({ length: 150 }, () => {
    const rows = makeRows();
    const best = rows.reduce((b, x, i) => (x[0] > rows[b][0] ? i : b), 0);
    return { rows, labels: rows.map((_, i) => (i === best ? 1 : 0)) };
  });
  const base: GbdtModel = {
    ...trainLambdaMart(shipped, FEATURES, 'test', OPTIONS),
    training: { name: 'shipped' },
  };
  const lists = new Map<LearningQuestion, { chunkIds: number[]; rows: Float32Array[] }>();
  const answerVectors = new Map<number, Float32Array>();
  let nextChunk = 1;
  const questions: LearningQuestion[] = Array.from({ length: 200 }, (_, n) => {
    const rows = makeRows();
    const chunkIds = rows.map(() => nextChunk++);
    for (const id of chunkIds) answerVectors.set(id, unit(random));
    const target = chunkIds[choose(rows, random)];
    const q: LearningQuestion = {
      key: `question ${n}`,
      question: `question ${n}`,
      vector: unit(random),
      votes: new Map([[target, 1]]),
      shown: chunkIds.slice(0, 10).map((chunkId) => ({ chunkId, bm25: random() })),
      target,
      weight: 1,
      negatives: [],
    };
    lists.set(q, { chunkIds, rows });
    return q;
  });
  const rankOf = (params: LearnedParams, q: LearningQuestion) => {
    const model = params.ranker ? refinedModel(base, params.ranker) : base;
    const { chunkIds, rows } = lists.get(q)!;
    const scores = rows.map((x) => scoreGbdt(model, x));
    const t = chunkIds.indexOf(q.target!);
    const rank = 1 + scores.filter((s, i) => i !== t && s >= scores[t]).length;
    return rank <= 10 ? rank : 0;
  };
  return learnFromSignals({
    questions,
    answerVectors,
    dim: DIM,
    current: null,
    baseDenseWeight: 0.15,
    minHeldBack: 20,
    baseRanker: base,
    rankingRows: async (q) => lists.get(q) ?? null,
    yieldNow: async () => {},
    judge: async (params, _memory, qs, leaveOneOut) => {
      const ranks =
        params.adapter && questionSide ? questionSide(qs, leaveOneOut) : qs.map((q) => rankOf(params, q));
      return {
        ranks,
        hit1: ranks.filter((r) => r === 1).length / qs.length,
        mrr: ranks.reduce((s, r) => s + (r ? 1 / r : 0), 0) / qs.length,
      };
    },
  });
}

describe('learning refines the pack ranker', () => {
  it('adds trees when the user’s choices follow what the pack ranker does not know', async () => {
    const { report, params } = await world(11, (rows) =>
      rows.reduce((b, x, i) => (x[0] + x[2] > rows[b][0] + rows[b][2] ? i : b), 0),
    );
    expect(report.outcome).toBe('activated');
    expect(report.after!.hit1).toBeGreaterThan(report.before!.hit1);
    expect(report.chosen!.rankerTrees).toBe(30);
    expect(params!.ranker!.base).toBe('shipped');
  });

  it('keeps the pack ranker when the choices follow nothing it could learn', async () => {
    const { report, params } = await world(12, (rows, random) => Math.floor(random() * rows.length));
    expect(report.outcome).toBe('kept');
    expect(params).toBeNull();
  });

  it('keeps a question-side model that does better only on the questions it was chosen and judged on', async () => {
    // The learner asks the training questions it chooses by (their own signals left out), then
    // the held-back ones; this adapter model puts exactly those first and every other question
    // below the tenth: luck on the questions looked at, not a model of the user.
    const lookedAt = new Set<string>();
    let heldBackAsked = false;
    const { report, params } = await world(
      12,
      (rows, random) => Math.floor(random() * rows.length),
      (qs, leaveOneOut) => {
        if (leaveOneOut || !heldBackAsked) for (const q of qs) lookedAt.add(q.key);
        if (!leaveOneOut) heldBackAsked = true;
        return qs.map((q) => (lookedAt.has(q.key) ? 1 : 0));
      },
    );
    expect(report.chosen!.adapter).toBe(true);
    expect(report.after!.hit1).toBe(1);
    expect(report.before!.hit1).toBeLessThan(0.5);
    expect(report.outcome).toBe('kept');
    expect(params).toBeNull();
  });
});
