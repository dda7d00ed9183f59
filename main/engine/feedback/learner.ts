import { FeedbackMemory, type MemoryScores, type RememberedQuestion } from './feedbackMemory.js';
import { memoryBoosts, rankerName, type LearnedParams, type RankerRefinement } from './learnedParams.js';
import { scoreGbdt, type GbdtModel } from '../rank/gbdt.js';
import type { RankingRows } from '../rank/learnedRanker.js';
import { trainLambdaMart, type LambdaMartOptions, type RankingQuery } from '../train/lambdaMart.js';
import type { HeldBackFigures, LearningRunReport } from '../vocabulary/shapes.js';
import {
  adaptQuestion,
  ADAPTER_TRAINING,
  trainQuestionAdapter,
  type AdapterExample,
} from './questionAdapter.js';

/** A logged question with what its signals say, its passages resolved to today's chunks. */
export interface LearningQuestion extends RememberedQuestion {
  question: string;
  vector: Float32Array;
  /** The answer's passages in the order they were shown, with the BM25 score each was ranked with. */
  shown: { chunkId: number; bm25: number }[];
  /** The passage the user's signals favour most; null when they only said "not this". */
  target: number | null;
  /** Its vote (a "good" counts more than an opened file). */
  weight: number;
  /** Passages skipped above it or marked "not this". */
  negatives: number[];
}

export interface LearnInput {
  questions: LearningQuestion[];
  /** Answer-tower vectors of every passage the questions name (read, never changed). */
  answerVectors: Map<number, Float32Array>;
  dim: number;
  /** The model in use now (null: the pack's own question tower and fusion weight). */
  current: LearnedParams | null;
  baseDenseWeight: number;
  minHeldBack: number;
  /** The pack's ranker (null: it ships none and search ranks by score fusion). */
  baseRanker?: GbdtModel | null;
  /**
   * The ranking stage's feature rows of a question's candidates, recalled as search would with
   * this model (what the trees added to the pack's ranker are trained on).
   */
  rankingRows?(question: LearningQuestion, params: LearnedParams): Promise<RankingRows | null>;
  /** Lets questions through between steps: learning runs at low priority. */
  yieldNow: () => Promise<void>;
  /**
   * Asks questions again through the real search with a model and a memory, and scores
   * where their chosen passage lands (recall included, which a logged list cannot show).
   * `leaveOneOut`: each question's own signals are left out of the memory.
   */
  judge(
    params: LearnedParams,
    memory: FeedbackMemory,
    questions: readonly LearningQuestion[],
    leaveOneOut: boolean,
  ): Promise<JudgedFigures>;
}

export type { HeldBackFigures };
/** Figures of a judged model, with each question's rank of its chosen passage (0: not in the first ten). */
export interface JudgedFigures extends HeldBackFigures {
  ranks: number[];
}
/** `before`/`after`: on the held-back questions, ranking their shown passages, the model in use and the new one. */
export type LearningReport = LearningRunReport;

/**
 * Trees added to the pack's ranker from the user's choices: few, shallow and slow to learn,
 * so a few hundred signals refine the shipped ranking rather than replace it.
 */
export const RANKER_REFINEMENT: Omit<LambdaMartOptions, 'init' | 'excludeFeatures'> = {
  trees: 30,
  learningRate: 0.05,
  maxDepth: 3,
  minLeafRows: 20,
  lambda: 1,
  bins: 32,
};
/** Questions with their chosen passage among the candidates that a ranker refinement needs. */
export const MIN_RANKER_QUESTIONS = 20;
/**
 * Folds of the cross-fitted check every model must pass: each question is ranked by a model
 * trained without it, so the sign test sees all of them, not only the held-back quarter (a
 * gain of 3% is noise on 70 questions and clear on 280).
 */
const CROSS_FIT_FOLDS = 4;

const DENSE_WEIGHTS = [0.3, 0.5, 0.75, 1];
const MEMORY_WEIGHTS = [0.25, 0.5, 1, 2];
const MEMORY_THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const POPULARITY_WEIGHTS = [0.1, 0.25, 0.5, 1];
const FIELD_WEIGHTS = [0.25, 0.5, 1, 2];
/** Models the logged lists rank best that are then tried through the real search. */
const SHORTLIST = 6;
/** Training questions asked again through the real search to choose among the shortlist. */
const TRAINING_JUDGED = 60;
/** The share of questions held back from training to decide activation (at least minHeldBack). */
const HELD_BACK_SHARE = 0.25;

/**
 * A sign test over the held-back questions: the new model must put more chosen passages
 * higher than lower, by more than chance would (two standard deviations, and at least
 * MIN_NET_WINS questions). A gain of a question or two on a few dozen is noise, and a
 * model activated on noise would make the next questions worse as often as better.
 */
const MIN_NET_WINS = 3;
export function clearlyBetter(before: readonly number[], after: readonly number[]): boolean {
  let wins = 0;
  let losses = 0;
  for (let i = 0; i < before.length; i++) {
    const b = before[i] || Infinity;
    const a = after[i] || Infinity;
    if (a < b) wins++;
    else if (a > b) losses++;
  }
  return wins - losses >= Math.max(MIN_NET_WINS, 2 * Math.sqrt(wins + losses));
}

/** Up to n of the questions, spread evenly over them (the same ones every run for the same signals). */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

/** FNV-1a: the split must not move when more signals arrive, so a question stays on its side. */
function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A question's fold of the cross-fitted checks (by its key, so a repeated question stays in one). */
const foldOf = (q: { key: string }) => keyHash(`fold:${q.key}`) % CROSS_FIT_FOLDS;

/** What the question adapter learns from: each question's chosen passage against its negatives. */
function adapterExamples(
  questions: readonly LearningQuestion[],
  answerVectors: Map<number, Float32Array>,
): AdapterExample[] {
  return questions.map((q) => ({
    question: q.vector,
    positive: answerVectors.get(q.target!)!,
    negatives: q.negatives.flatMap((id) => answerVectors.get(id) ?? []),
    weight: q.weight,
  }));
}

/**
 * Learns from the user's signals: a question-tower adapter (answer tower frozen), the
 * fusion weight, how much similar earlier questions count, and trees added to the pack's
 * ranker, chosen on most of the questions and judged on the rest (held back by question, so
 * a repeated question never sits on both sides). The new model is to be activated only when
 * it ranks the held-back questions' chosen passages better than the model in use (for the
 * ranker's trees and the question-side models alike: clearly better on every question
 * cross-fitted too).
 */
export async function learnFromSignals(
  input: LearnInput,
): Promise<{ report: LearningReport; params: LearnedParams | null }> {
  const started = performance.now();
  const usable = input.questions.filter((q) => q.target !== null && input.answerVectors.has(q.target));
  const keys = [...new Set(usable.map((q) => q.key))].sort(
    (a, b) => keyHash(a) - keyHash(b) || (a < b ? -1 : 1),
  );
  const heldCount = Math.max(input.minHeldBack, Math.round(keys.length * HELD_BACK_SHARE));
  const empty = (outcome: LearningReport['outcome']): LearningReport => ({
    outcome,
    questions: usable.length,
    trained: 0,
    heldBack: 0,
    before: null,
    after: null,
    chosen: null,
    ms: performance.now() - started,
  });
  if (keys.length < heldCount + input.minHeldBack) return { report: empty('too-few'), params: null };
  const heldKeys = new Set(keys.slice(0, heldCount));
  const held = usable.filter((q) => heldKeys.has(q.key));
  const train = usable.filter((q) => !heldKeys.has(q.key));
  // Memory from the training side only, including its "not this"-only questions.
  const trainMemory = new FeedbackMemory(input.questions.filter((q) => !heldKeys.has(q.key)));

  // Some training questions choose among the best models through the real search; the adapter is
  // not trained on them, or it would always win there (it has seen their answers).
  const judged = spread(train, Math.min(TRAINING_JUDGED, Math.floor(train.length / 3)));
  const judgedSet = new Set(judged);
  const fit = train.filter((q) => !judgedSet.has(q));
  const adapter = await trainQuestionAdapter(adapterExamples(fit, input.answerVectors), input.dim, {
    ...ADAPTER_TRAINING,
    onStep: input.yieldNow,
  });

  // Cheap first pass over many models on the logged lists (shown passages only), then the few
  // best through the real search, where a model also changes what is recalled.
  const scorer = new ShownListScorer(input.answerVectors);
  const base: LearnedParams = {
    dim: input.dim,
    adapter: null,
    denseWeight: input.baseDenseWeight,
    memoryWeight: 0,
    memoryThreshold: 1,
    popularityWeight: 0,
    fieldWeight: 0,
  };
  const tried: { params: LearnedParams; mrr: number }[] = [];
  const score = (p: LearnedParams) =>
    tried.push({ params: p, mrr: scorer.figures(train, p, trainMemory, true).mrr });
  for (const a of [null, adapter]) {
    for (const denseWeight of [input.baseDenseWeight, ...DENSE_WEIGHTS]) {
      const plain = { ...base, adapter: a, denseWeight };
      score(plain);
      for (const memoryThreshold of MEMORY_THRESHOLDS)
        for (const memoryWeight of MEMORY_WEIGHTS) score({ ...plain, memoryWeight, memoryThreshold });
      for (const popularityWeight of POPULARITY_WEIGHTS) score({ ...plain, popularityWeight });
      for (const fieldWeight of FIELD_WEIGHTS) score({ ...plain, fieldWeight });
      await input.yieldNow();
    }
  }
  // The best similar-question setting with popularity and the clickthrough field on top.
  const bestMemory = tried.filter((t) => t.params.memoryWeight > 0).sort((x, y) => y.mrr - x.mrr)[0];
  if (bestMemory)
    for (const popularityWeight of [0, ...POPULARITY_WEIGHTS])
      for (const fieldWeight of [0, ...FIELD_WEIGHTS])
        score({ ...bestMemory.params, popularityWeight, fieldWeight });
  // The best of each kind of model: on the logged lists an adapter is judged on the questions it
  // was trained on, so a plain ranking would never make a shortlist of the overall best.
  const family = (p: LearnedParams) =>
    [
      p.adapter ? 'adapter' : '',
      p.memoryWeight ? 'similar' : '',
      p.popularityWeight ? 'popular' : '',
      p.fieldWeight ? 'field' : '',
    ].join('+');
  const bestOfFamily = new Map<string, { params: LearnedParams; mrr: number }>();
  for (const t of tried) {
    const f = family(t.params);
    const previous = bestOfFamily.get(f);
    if (!previous || t.mrr > previous.mrr) bestOfFamily.set(f, t);
  }
  const ranked = [...bestOfFamily.values()].sort((x, y) => y.mrr - x.mrr).map((t) => t.params);
  const shortlist = [
    ...ranked.filter((p) => p.adapter).slice(0, SHORTLIST / 2),
    ...ranked.filter((p) => !p.adapter).slice(0, SHORTLIST / 2),
  ];
  const current = input.current ?? base;
  const refined = await refineRanker(input, fit, usable, current);
  const refinedParams = refined && { ...current, ranker: refined.refinement };
  if (refinedParams) shortlist.push(refinedParams);
  let best = current;
  let bestFigures = await input.judge(current, trainMemory, judged, true);
  for (const p of shortlist) {
    const f = await input.judge(p, trainMemory, judged, true);
    if (f.mrr > bestFigures.mrr + 1e-9) [best, bestFigures] = [p, f];
  }
  const before = await input.judge(current, trainMemory, held, false);
  let after = best === current ? before : await input.judge(best, trainMemory, held, false);
  // Clear on the held-back questions, and on every question ranked by a model that never saw it:
  // the held-back quarter alone once let a question-side model through on a gain of one first
  // place, from a hostile user's signals, and it cost new questions four first places of 300.
  let better = best !== current && clearlyBetter(before.ranks, after.ranks) && after.hit1 >= before.hit1;
  if (better) {
    const crossFitted =
      refined && best === refinedParams
        ? refined.crossFitted
        : await crossFitQuestionModel(input, usable, best, current);
    better = clearlyBetter(crossFitted.before, crossFitted.after);
  }
  // A refinement clearly better on every question ranked by trees that never saw it is activated
  // when the held-back questions, asked through the real search, are better with it too.
  if (!better && refinedParams && clearlyBetter(refined.crossFitted.before, refined.crossFitted.after)) {
    const f = best === refinedParams ? after : await input.judge(refinedParams, trainMemory, held, false);
    if (f.hit1 >= before.hit1 && f.mrr > before.mrr) [best, after, better] = [refinedParams, f, true];
  }
  return {
    report: {
      outcome: better ? 'activated' : 'kept',
      questions: usable.length,
      trained: train.length,
      heldBack: held.length,
      before: { hit1: before.hit1, mrr: before.mrr },
      after: { hit1: after.hit1, mrr: after.mrr },
      chosen: {
        adapter: best.adapter !== null,
        denseWeight: best.denseWeight,
        memoryWeight: best.memoryWeight,
        memoryThreshold: best.memoryThreshold,
        popularityWeight: best.popularityWeight,
        fieldWeight: best.fieldWeight,
        rankerTrees: best.ranker?.trees.length ?? 0,
      },
      ms: performance.now() - started,
    },
    params: better ? best : null,
  };
}

/** A ranker refinement and its cross-fitted check: ranks of the chosen passages, pack's trees vs refined. */
interface RankerEvidence {
  refinement: RankerRefinement;
  crossFitted: { before: number[]; after: number[] };
}

/**
 * Trees that continue the pack's ranker, trained on the fit questions' candidate lists
 * (rows as search computes them under the model in use), the chosen passage relevant and
 * every other candidate not. Always from the pack's own trees, on every signal so far, so a
 * refinement never grows on top of an earlier one. With it, the cross-fitted check over all
 * `questions` (folds by question key). Null without a pack ranker or with too few questions
 * whose chosen passage was recalled.
 */
async function refineRanker(
  input: LearnInput,
  fit: readonly LearningQuestion[],
  questions: readonly LearningQuestion[],
  current: LearnedParams,
): Promise<RankerEvidence | null> {
  const base = input.baseRanker;
  if (!base || !input.rankingRows) return null;
  const lists = new Map<LearningQuestion, RankingQuery>();
  for (const q of questions) {
    const found = await input.rankingRows(q, current);
    await input.yieldNow();
    const at = found ? found.chunkIds.indexOf(q.target!) : -1;
    if (at >= 0)
      lists.set(q, { rows: found!.rows, labels: found!.chunkIds.map((_, i) => (i === at ? 1 : 0)) });
  }
  const excluded = (base.training?.options as { excludeFeatures?: string[] } | undefined)?.excludeFeatures;
  const refine = (queries: RankingQuery[]) =>
    trainLambdaMart(queries, base.features, base.featureSet, {
      ...RANKER_REFINEMENT,
      init: base,
      excludeFeatures: excluded ?? [],
    });
  const fitLists = fit.flatMap((q) => lists.get(q) ?? []);
  if (fitLists.length < MIN_RANKER_QUESTIONS) return null;
  const model = refine(fitLists);

  const crossFitted = { before: [] as number[], after: [] as number[] };
  const listed = [...lists.keys()];
  for (let fold = 0; fold < CROSS_FIT_FOLDS; fold++) {
    const outside = listed.filter((q) => foldOf(q) !== fold).map((q) => lists.get(q)!);
    if (outside.length < MIN_RANKER_QUESTIONS) continue;
    const foldModel = refine(outside);
    for (const q of listed.filter((x) => foldOf(x) === fold)) {
      crossFitted.before.push(rankOfRelevant(base, lists.get(q)!));
      crossFitted.after.push(rankOfRelevant(foldModel, lists.get(q)!));
    }
    await input.yieldNow();
  }
  return { refinement: { base: rankerName(base), trees: model.trees.slice(base.trees.length) }, crossFitted };
}

/**
 * The cross-fitted check of a question-side model: every question asked through the real search
 * with the model's settings, its adapter trained without the question's fold and the memory
 * holding the other folds only, against the model in use with the same memory. Ranks of each
 * question's chosen passage, before and after.
 */
async function crossFitQuestionModel(
  input: LearnInput,
  questions: readonly LearningQuestion[],
  model: LearnedParams,
  current: LearnedParams,
): Promise<{ before: number[]; after: number[] }> {
  const crossFitted = { before: [] as number[], after: [] as number[] };
  for (let fold = 0; fold < CROSS_FIT_FOLDS; fold++) {
    const inside = questions.filter((q) => foldOf(q) === fold);
    if (!inside.length) continue;
    // The memory keeps the other folds' "not this"-only questions, as the training memory does.
    const memory = new FeedbackMemory(input.questions.filter((q) => foldOf(q) !== fold));
    const adapter =
      model.adapter &&
      (await trainQuestionAdapter(
        adapterExamples(
          questions.filter((q) => foldOf(q) !== fold),
          input.answerVectors,
        ),
        input.dim,
        { ...ADAPTER_TRAINING, onStep: input.yieldNow },
      ));
    crossFitted.before.push(...(await input.judge(current, memory, inside, false)).ranks);
    crossFitted.after.push(...(await input.judge({ ...model, adapter }, memory, inside, false)).ranks);
  }
  return crossFitted;
}

/** 1-based place of a list's relevant row under a ranker; 0 below the first ten (as judged). */
function rankOfRelevant(model: GbdtModel, list: RankingQuery): number {
  const rank = placeOf(
    list.rows.map((x) => scoreGbdt(model, x)),
    list.labels.indexOf(1),
  );
  return rank <= 10 ? rank : 0;
}

/** 1-based place of item t by score. Ties go against it: a model must earn its first place. */
function placeOf(scores: readonly number[], t: number): number {
  return 1 + scores.filter((s, i) => i !== t && s >= scores[t]).length;
}

/**
 * Re-ranks a logged answer's shown passages as search would with a given model: score
 * fusion from the BM25 score each was shown with and the (adapted) question's cosine,
 * put on 0..1, plus the memory's boosts. What the held-back check measures.
 */
export class ShownListScorer {
  private readonly adapted = new Map<Float32Array | null, Map<LearningQuestion, number[]>>();
  private readonly memoryCache = new Map<FeedbackMemory, Map<LearningQuestion, Map<string, MemoryScores>>>();

  constructor(private readonly answerVectors: Map<number, Float32Array>) {}

  figures(
    questions: readonly LearningQuestion[],
    params: LearnedParams,
    memory: FeedbackMemory,
    leaveOneOut: boolean,
  ): HeldBackFigures {
    if (!questions.length) return { hit1: 0, mrr: 0 };
    let hits = 0;
    let rr = 0;
    for (const q of questions) {
      const rank = this.rankOfTarget(q, params, memory, leaveOneOut);
      if (rank === 1) hits++;
      if (rank <= 10) rr += 1 / rank;
    }
    return { hit1: hits / questions.length, mrr: rr / questions.length };
  }

  rankOfTarget(
    q: LearningQuestion,
    params: LearnedParams,
    memory: FeedbackMemory,
    leaveOneOut: boolean,
  ): number {
    const shown = q.shown.some((s) => s.chunkId === q.target)
      ? q.shown
      : [...q.shown, { chunkId: q.target!, bm25: 0 }];
    const dense = this.cosines(q, shown, params.adapter);
    const topBm25 = Math.max(0, ...shown.map((s) => s.bm25));
    const topDense = Math.max(0, ...dense);
    const fused = shown.map(
      (s, i) =>
        (topBm25 > 0 ? s.bm25 / topBm25 : 0) +
        (topDense > 0 ? (params.denseWeight * dense[i]) / topDense : 0),
    );
    const lo = Math.min(...fused);
    const span = Math.max(...fused) - lo || 1;
    const boosts = memoryBoosts(this.memoryScores(q, params.memoryThreshold, memory, leaveOneOut), params);
    const final = shown.map((s, i) => (fused[i] - lo) / span + boosts.boost(s.chunkId));
    return placeOf(
      final,
      shown.findIndex((s) => s.chunkId === q.target),
    );
  }

  private memoryScores(
    q: LearningQuestion,
    threshold: number,
    memory: FeedbackMemory,
    leaveOneOut: boolean,
  ): MemoryScores {
    const key = `${threshold}:${leaveOneOut}`;
    let byQuestion = this.memoryCache.get(memory);
    if (!byQuestion) this.memoryCache.set(memory, (byQuestion = new Map()));
    let perQ = byQuestion.get(q);
    if (!perQ) byQuestion.set(q, (perQ = new Map()));
    let scores = perQ.get(key);
    if (!scores)
      perQ.set(key, (scores = memory.scores(q.key, q.vector, threshold, leaveOneOut ? q.key : null)));
    return scores;
  }

  /** The (adapted) question's cosine with each shown passage, ≥ 0 as fusion uses it. */
  private cosines(
    q: LearningQuestion,
    shown: readonly { chunkId: number }[],
    adapter: Float32Array | null,
  ): number[] {
    let cache = this.adapted.get(adapter);
    if (!cache) this.adapted.set(adapter, (cache = new Map()));
    let out = cache.get(q);
    if (!out) {
      const vector = adapter ? adaptQuestion(adapter, q.vector) : q.vector;
      out = shown.map((s) => {
        const a = this.answerVectors.get(s.chunkId);
        if (!a) return 0;
        let dot = 0;
        for (let i = 0; i < a.length; i++) dot += a[i] * vector[i];
        return Math.max(0, dot);
      });
      cache.set(q, out);
    }
    return out;
  }
}
