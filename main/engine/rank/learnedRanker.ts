import type { Candidate, RankedCandidate, Ranker, RankInput } from '../search/ranker.js';
import { ScoreFusionRanker } from '../search/ranker.js';
import type { BackgroundFrequency } from './backgroundFrequency.js';
import { scoreGbdt, type GbdtModel } from './gbdt.js';
import {
  analyseQuestion,
  computesFeatureSet,
  FEATURE_NAMES,
  RANK_FEATURE_SET,
  rankingFeatures,
} from './rankFeatures.js';

/** Candidates (by score fusion) that the trees re-score; the rest keep their fused order below them. */
export const RERANK_DEPTH = 60;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The feature rows the trees scored for one question, by candidate (what learning from use trains on). */
export interface RankingRows {
  chunkIds: number[];
  rows: Float32Array[];
}

/**
 * Stage 2 with a learned model: score fusion orders the recalled candidates, then
 * gradient-boosted trees re-score the first RERANK_DEPTH of them from finer
 * features (rank/rankFeatures.ts). Hybrid mode only: the single-channel modes are
 * there to show each channel alone.
 */
export class LearnedRanker implements Ranker {
  readonly name: string;
  readonly notFoundBelow?: number;
  private readonly fusion: ScoreFusionRanker;

  constructor(
    readonly model: GbdtModel,
    denseWeight: number,
    private readonly background: BackgroundFrequency | null = null,
    private readonly depth = RERANK_DEPTH,
    /** Sees each question's rows as they are scored (learning from use reads them; search passes none). */
    private readonly onRows: ((rows: RankingRows) => void) | null = null,
  ) {
    if (!computesFeatureSet(model.featureSet, model.features))
      throw new Error(`ranker features "${model.featureSet}" are not this engine's "${RANK_FEATURE_SET}"`);
    this.name = `learned:${String(model.training?.name ?? 'gbdt')}`;
    this.fusion = new ScoreFusionRanker(denseWeight);
    this.notFoundBelow = model.answerable?.threshold;
  }

  /** The same ranker with other trees (learning from use appends some) or a sink for its rows. */
  variant(model: GbdtModel, onRows: ((rows: RankingRows) => void) | null = null): LearnedRanker {
    return new LearnedRanker(model, this.fusion.denseWeight, this.background, this.depth, onRows);
  }

  rank(input: RankInput): RankedCandidate[] {
    const fused = this.fusion.rank(input);
    if (input.mode !== 'hybrid' || !input.context || !fused.length) return fused;
    const head = fused.slice(0, this.depth);
    const texts = input.context.passages(head.map((c) => c.chunkId));
    const present = head.filter((c) => texts.has(c.chunkId));
    const q = analyseQuestion(input.question);
    const stats = input.context.termStats([...q.units]);
    const rows = rankingFeatures(
      q,
      present.map((c) => ({ ...c, ...texts.get(c.chunkId)! })),
      stats,
    );
    this.onRows?.({ chunkIds: present.map((c) => c.chunkId), rows });
    const scored = present
      .map((c, i) => ({ ...c, score: scoreGbdt(this.model, rows[i]), row: rows[i] }))
      .sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
    const result: RankedCandidate[] = scored.map(({ row: _row, ...c }) => c);
    if (this.model.answerable && scored.length) {
      result[0].answerProbability = answerProbability(
        this.model,
        scored.map((s) => s.score),
        scored[0].row,
        absentTermSpecificity(
          [...q.units].filter((u) => !stats.df.get(u)),
          this.background,
        ),
      );
    }
    // The rest stay in fused order, scored below every re-scored one.
    const floor = scored.length ? scored[scored.length - 1].score : 0;
    const rest: Candidate[] = fused.slice(this.depth);
    rest.forEach((c, i) => result.push({ ...c, score: floor - 1 - i * 1e-3 }));
    return result;
  }
}

/** sigmoid(w · answerFeatures + b): how likely the best passage answers the question. */
export function answerProbability(
  model: GbdtModel,
  sortedScores: readonly number[],
  topRow: ArrayLike<number>,
  absent: AbsentTerms,
): number {
  const a = model.answerable!;
  const x = answerFeatures(sortedScores, topRow, absent);
  return sigmoid(a.bias + x.reduce((s, v, i) => s + v * (a.weights[i] ?? 0), 0));
}

const feature = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);
const ANSWER_ROW_FEATURES = [
  'coverageBody',
  'coverageBestSentence',
  'coverageHeading',
  'denseZ',
  'proximity',
  'questionUnits',
].map((n) => feature(n as (typeof FEATURE_NAMES)[number]));

/**
 * What the not-found calibration weighs: the ranker's top score and its lead over
 * the rest (a clear winner), and the best passage's own evidence.
 */
export function answerFeatures(
  sortedScores: readonly number[],
  topRow: ArrayLike<number>,
  absent: AbsentTerms,
): number[] {
  const top = sortedScores[0] ?? 0;
  const second = sortedScores[1] ?? top;
  const head = sortedScores.slice(0, 10);
  const mean = head.reduce((s, x) => s + x, 0) / Math.max(head.length, 1);
  return [
    top,
    top - second,
    top - mean,
    ...ANSWER_ROW_FEATURES.map((i) => topRow[i]),
    absent.max,
    absent.sum,
  ];
}

/** The question's terms that no passage of the library holds, by how specific each is in general text. */
export interface AbsentTerms {
  max: number;
  sum: number;
}

export function absentTermSpecificity(
  absentUnits: readonly string[],
  background: BackgroundFrequency | null,
): AbsentTerms {
  let max = 0;
  let sum = 0;
  for (const u of absentUnits) {
    const s = background ? background.specificity(u) : 1;
    max = Math.max(max, s);
    sum += s;
  }
  return { max, sum };
}
