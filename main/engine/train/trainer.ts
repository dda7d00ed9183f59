import { Adam, RowAdagrad } from './adam.js';
import { backwardTower, type TowerGrads } from './backward.js';
import { rowCount, selectRows, type FeatureRows } from './features.js';
import { inBatchSoftmax } from './loss.js';
import { dotScorer, fusedScorer, recallMetrics, type RecallMetrics } from './metrics.js';
import { embedRows, forwardTower, isTied, type HashedModel, type TowerParams } from './model.js';
import { Rng } from './rng.js';
import { SparseRowGrad } from './sparseGrad.js';

/** Training pairs as feature rows: pair i asks `questions` row i about passage `passageOf[i]`. */
/** Scores per (question of a pair, passage of the batch) added to the cosine in the loss (prepare.ts bm25Prior). */
export type BatchPrior = (pairs: Int32Array, passages: readonly number[]) => Float64Array;

export interface TrainData {
  questions: FeatureRows;
  passages: FeatureRows;
  passageOf: Int32Array;
  /** Mined hard-negative passages, `perPair` per pair (pair i's at i·perPair…; −1: none). */
  hardNegatives?: { passages: Int32Array; perPair: number } | null;
  /** A fixed per-(question, passage) score added to the cosine in the loss (the fused objective). */
  prior?: BatchPrior | null;
}

export interface HeldoutData {
  questions: FeatureRows;
  passages: FeatureRows;
  gold: Int32Array;
  /**
   * With the fused objective: BM25 scores of a held-out question over the
   * held-out passages, and the fusion weight; epochs are then chosen by the
   * recall of BM25/top + weight·cos, the score the towers were trained for.
   */
  fusion?: { bm25: (question: number) => ArrayLike<number>; weight: number } | null;
}

export interface TrainConfig {
  epochs: number;
  batch: number;
  /** Learning rate of the embedding table. */
  lr: number;
  /** Optimiser of the embedding table (the small parameters always use Adam). */
  tableOptimizer: 'adam' | 'adagrad';
  /** Learning rate of the per-bucket term weights (0: keep them fixed). */
  termLr: number;
  /** Learning rate of the projection layers. */
  projectionLr: number;
  /** Softmax scale on cosine scores (1 / temperature). */
  scale: number;
  /** Decoupled decay of table rows toward their initial values (0: none). */
  decayToInit: number;
  /** Probability of dropping each input feature during training. */
  featureDropout: number;
  /** Epochs without held-out improvement before stopping (0: never stop early). */
  patience: number;
  seed: number;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** Running mean loss of the current epoch. */
  loss: number;
  pairsPerSec: number;
  etaSec: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  heldout: RecallMetrics | null;
  /** Held-out recall of the fused score, when the held-out data has `fusion`. */
  fused: RecallMetrics | null;
  seconds: number;
}

export interface TrainResult {
  /** The best model by held-out score (the last one without a held-out set). */
  model: HashedModel;
  bestEpoch: number;
  history: EpochRecord[];
  /** Held-out metrics of the untrained model, for reference. */
  initial: HeldoutMetrics | null;
  pairsPerSec: number;
  seconds: number;
}

/**
 * Below this many held-out questions, recall is too noisy to pick an epoch by:
 * training runs all its epochs and keeps the last one.
 */
export const MIN_HELDOUT_FOR_SELECTION = 30;

/** What early stopping maximises: the mean of recall@1 and recall@10. */
export function heldoutScore(m: RecallMetrics): number {
  return (m['recall@1'] + m['recall@10']) / 2;
}

export interface HeldoutMetrics {
  dense: RecallMetrics;
  fused: RecallMetrics | null;
}

export function evaluateModel(model: HashedModel, heldout: HeldoutData): HeldoutMetrics {
  const q = embedRows(model.question, model.dim, heldout.questions);
  const p = embedRows(model.answer, model.dim, heldout.passages);
  const nq = rowCount(heldout.questions);
  const np = rowCount(heldout.passages);
  const dense = dotScorer(q, p, model.dim);
  const f = heldout.fusion;
  return {
    dense: recallMetrics(nq, np, heldout.gold, dense),
    fused: f ? recallMetrics(nq, np, heldout.gold, fusedScorer(f.bm25, dense, f.weight, np)) : null,
  };
}

/** The score epochs are selected by: fused recall when measured, else the towers' own. */
function selectionScore(m: HeldoutMetrics): number {
  return heldoutScore(m.fused ?? m.dense);
}

/**
 * Train `model` in place with symmetric in-batch softmax; returns the best
 * snapshot by held-out score. Deterministic: the same model, data and config
 * give the same bytes (single-threaded, seeded shuffles and dropout).
 */
export function train(
  model: HashedModel,
  data: TrainData,
  heldout: HeldoutData | null,
  config: TrainConfig,
  onProgress?: (p: TrainProgress) => void,
  onEpoch?: (r: EpochRecord) => void,
): TrainResult {
  const started = performance.now();
  const rng = new Rng(config.seed);
  const tied = isTied(model);
  const optim = makeOptimizers(model, config);
  const grads = makeGrads(model, tied);

  const initial = heldout ? evaluateModel(model, heldout) : null;
  const select = heldout !== null && rowCount(heldout.questions) >= MIN_HELDOUT_FOR_SELECTION;
  let best = {
    score: select ? selectionScore(initial!) : -Infinity,
    epoch: 0,
    model: select ? cloneModel(model) : model,
  };
  const history: EpochRecord[] = [];
  const pairCount = data.passageOf.length;
  const stepsPerEpoch = Math.ceil(pairCount / config.batch);
  let pairsSeen = 0;
  let lastReport = 0;
  let sinceBest = 0;

  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const epochStart = performance.now();
    const batches = makeBatches(data.passageOf, config.batch, rng);
    let lossSum = 0;
    batches.forEach((pairs, step) => {
      lossSum += trainStep(model, data, pairs, config, rng, grads, optim, tied);
      pairsSeen += pairs.length;
      const now = performance.now();
      if (onProgress && (now - lastReport > 250 || step === batches.length - 1)) {
        lastReport = now;
        const elapsed = (now - started) / 1000;
        const rate = pairsSeen / Math.max(elapsed, 1e-9);
        const remaining =
          (config.epochs - epoch) * pairCount + (pairCount - Math.min(pairCount, (step + 1) * config.batch));
        onProgress({
          epoch,
          epochs: config.epochs,
          step: step + 1,
          stepsPerEpoch,
          loss: lossSum / (step + 1),
          pairsPerSec: rate,
          etaSec: remaining / rate,
        });
      }
    });
    const metrics = heldout ? evaluateModel(model, heldout) : null;
    const record: EpochRecord = {
      epoch,
      loss: lossSum / Math.max(1, batches.length),
      heldout: metrics?.dense ?? null,
      fused: metrics?.fused ?? null,
      seconds: (performance.now() - epochStart) / 1000,
    };
    history.push(record);
    onEpoch?.(record);
    const score = select ? selectionScore(metrics!) : epoch;
    if (score > best.score) {
      best = { score, epoch, model: select ? cloneModel(model) : model };
      sinceBest = 0;
    } else if (config.patience > 0 && ++sinceBest >= config.patience) {
      break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    model: best.model,
    bestEpoch: best.epoch,
    history,
    initial,
    pairsPerSec: pairsSeen / Math.max(seconds, 1e-9),
    seconds,
  };
}

/**
 * Shuffle the pairs and cut them into batches in which no passage repeats (a
 * repeated passage would be its own in-batch negative); a pair that would
 * repeat one waits for the next batch.
 */
export function makeBatches(passageOf: Int32Array, batch: number, rng: Rng): Int32Array[] {
  const order = rng.shuffle(Array.from(passageOf, (_, i) => i));
  const batches: Int32Array[] = [];
  let waiting: number[] = [];
  let cursor = 0;
  while (cursor < order.length || waiting.length > 0) {
    const inBatch = new Set<number>();
    const chosen: number[] = [];
    const stillWaiting: number[] = [];
    for (const pair of waiting) {
      if (chosen.length < batch && !inBatch.has(passageOf[pair]!)) {
        inBatch.add(passageOf[pair]!);
        chosen.push(pair);
      } else {
        stillWaiting.push(pair);
      }
    }
    while (chosen.length < batch && cursor < order.length) {
      const pair = order[cursor++]!;
      if (inBatch.has(passageOf[pair]!)) {
        stillWaiting.push(pair);
      } else {
        inBatch.add(passageOf[pair]!);
        chosen.push(pair);
      }
    }
    waiting = stillWaiting;
    batches.push(Int32Array.from(chosen));
  }
  return batches;
}

interface Optimizers {
  questionTable: Adam | RowAdagrad;
  answerTable: Adam | RowAdagrad | null;
  questionTerms: Adam | null;
  answerTerms: Adam | null;
  questionProjection: { weight: Adam; bias: Adam } | null;
  answerProjection: { weight: Adam; bias: Adam } | null;
}

function makeOptimizers(model: HashedModel, config: TrainConfig): Optimizers {
  const tableOptim = (table: Float32Array): Adam | RowAdagrad => {
    const options = {
      lr: config.lr,
      decay: config.decayToInit,
      anchor: config.decayToInit > 0 ? Float32Array.from(table) : null,
    };
    return config.tableOptimizer === 'adagrad'
      ? new RowAdagrad(table, model.dim, options)
      : new Adam(table, options);
  };
  const terms = (t: TowerParams): Adam | null =>
    t.termWeights && config.termLr > 0
      ? new Adam(t.termWeights, { lr: config.termLr, nonNegative: true })
      : null;
  const proj = (t: TowerParams): Optimizers['questionProjection'] =>
    t.projection
      ? {
          weight: new Adam(t.projection.weight, { lr: config.projectionLr }),
          bias: new Adam(t.projection.bias, { lr: config.projectionLr }),
        }
      : null;
  return {
    questionTable: tableOptim(model.question.table),
    answerTable: isTied(model) ? null : tableOptim(model.answer.table),
    questionTerms: terms(model.question),
    answerTerms: terms(model.answer),
    questionProjection: proj(model.question),
    answerProjection: proj(model.answer),
  };
}

function makeGrads(model: HashedModel, tied: boolean): { question: TowerGrads; answer: TowerGrads } {
  const tower = (t: TowerParams, table: SparseRowGrad): TowerGrads => ({
    table,
    termWeights: t.termWeights ? new SparseRowGrad(model.buckets, 1) : null,
    projectionWeight: t.projection ? new Float32Array(model.dim * model.dim) : null,
    projectionBias: t.projection ? new Float32Array(model.dim) : null,
  });
  const qTable = new SparseRowGrad(model.buckets, model.dim);
  return {
    question: tower(model.question, qTable),
    answer: tower(model.answer, tied ? qTable : new SparseRowGrad(model.buckets, model.dim)),
  };
}

function dropoutMask(count: number, p: number, rng: Rng): Uint8Array | null {
  if (p <= 0) return null;
  const keep = new Uint8Array(count);
  for (let i = 0; i < count; i++) keep[i] = rng.next() < p ? 0 : 1;
  return keep;
}

function trainStep(
  model: HashedModel,
  data: TrainData,
  pairs: Int32Array,
  config: TrainConfig,
  rng: Rng,
  grads: { question: TowerGrads; answer: TowerGrads },
  optim: Optimizers,
  tied: boolean,
): number {
  const dim = model.dim;
  const passageIds = Array.from(pairs, (p) => data.passageOf[p]!);
  const hard = data.hardNegatives;
  if (hard) {
    const present = new Set(passageIds);
    for (const p of pairs) {
      for (let k = 0; k < hard.perPair; k++) {
        const neg = hard.passages[p * hard.perPair + k]!;
        if (neg >= 0 && !present.has(neg)) {
          present.add(neg);
          passageIds.push(neg);
        }
      }
    }
  }
  const qRows = selectRows(data.questions, pairs);
  const pRows = selectRows(data.passages, passageIds);
  const qCache = forwardTower(
    model.question,
    dim,
    qRows,
    dropoutMask(qRows.ids.length, config.featureDropout, rng),
  );
  const pCache = forwardTower(
    model.answer,
    dim,
    pRows,
    dropoutMask(pRows.ids.length, config.featureDropout, rng),
  );
  const prior = data.prior ? data.prior(pairs, passageIds) : null;
  const { loss, dQ, dP } = inBatchSoftmax(qCache.out, pCache.out, pairs.length, dim, config.scale, prior);

  clearGrads(grads.question);
  clearGrads(grads.answer);
  backwardTower(model.question, dim, qCache, dQ, grads.question);
  backwardTower(model.answer, dim, pCache, dP, grads.answer);

  optim.questionTable.stepSparse(grads.question.table);
  if (!tied) optim.answerTable!.stepSparse(grads.answer.table);
  if (optim.questionTerms) optim.questionTerms.stepSparse(grads.question.termWeights!);
  if (optim.answerTerms) optim.answerTerms.stepSparse(grads.answer.termWeights!);
  stepProjection(optim.questionProjection, grads.question);
  stepProjection(optim.answerProjection, grads.answer);
  return loss;
}

function clearGrads(g: TowerGrads): void {
  g.table.clear();
  g.termWeights?.clear();
  g.projectionWeight?.fill(0);
  g.projectionBias?.fill(0);
}

function stepProjection(optim: Optimizers['questionProjection'], g: TowerGrads): void {
  if (!optim) return;
  optim.weight.stepDense(g.projectionWeight!);
  optim.bias.stepDense(g.projectionBias!);
}

/** A deep copy that keeps a tied table tied. */
export function cloneModel(model: HashedModel): HashedModel {
  const tower = (t: TowerParams, table: Float32Array): TowerParams => ({
    table,
    termWeights: t.termWeights ? Float32Array.from(t.termWeights) : null,
    projection: t.projection
      ? { weight: Float32Array.from(t.projection.weight), bias: Float32Array.from(t.projection.bias) }
      : null,
  });
  const qTable = Float32Array.from(model.question.table);
  const aTable = isTied(model) ? qTable : Float32Array.from(model.answer.table);
  return {
    buckets: model.buckets,
    dim: model.dim,
    question: tower(model.question, qTable),
    answer: tower(model.answer, aTable),
  };
}
