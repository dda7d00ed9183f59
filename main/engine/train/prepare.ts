import { Bm25Index } from './bm25.js';
import { bm25Tokens } from './bm25Tokens.js';
import { toFeatureRows, type FeatureBag, type FeatureRows } from './features.js';
import type { Pair } from './pairs.js';
import { Rng } from './rng.js';
import type { RetrievalSet } from './split.js';
import type { BatchPrior, HeldoutData, TrainData } from './trainer.js';

export interface Featurizers {
  question: (text: string) => FeatureBag;
  passage: (text: string) => FeatureBag;
}

/** Training pairs as feature rows, passages deduplicated by exact text. */
export function prepareTrainData(
  pairs: Pair[],
  featurizers: Featurizers,
): TrainData & { passageTexts: string[] } {
  const index = new Map<string, number>();
  const passageTexts: string[] = [];
  const passageOf = new Int32Array(pairs.length);
  pairs.forEach((p, i) => {
    let k = index.get(p.passage);
    if (k === undefined) {
      k = passageTexts.length;
      index.set(p.passage, k);
      passageTexts.push(p.passage);
    }
    passageOf[i] = k;
  });
  return {
    questions: toFeatureRows(
      pairs.map((p) => p.question),
      featurizers.question,
    ),
    passages: toFeatureRows(passageTexts, featurizers.passage),
    passageOf,
    passageTexts,
  };
}

export function prepareHeldout(set: RetrievalSet, featurizers: Featurizers): HeldoutData {
  return {
    questions: toFeatureRows(set.questions, featurizers.question),
    passages: toFeatureRows(set.passages, featurizers.passage),
    gold: set.gold,
  };
}

/**
 * Per-bucket inverse document frequency over a set of passages:
 * ln((N + 1) / (df + 0.5)), so a bucket never seen in training gets the
 * highest weight (rare terms in a user's documents are the informative ones).
 */
export function bucketIdf(passages: FeatureRows, buckets: number): Float32Array {
  const df = new Int32Array(buckets);
  const n = passages.offsets.length - 1;
  for (let r = 0; r < n; r++) {
    for (let f = passages.offsets[r]!; f < passages.offsets[r + 1]!; f++) df[passages.ids[f]!]!++;
  }
  return Float32Array.from(df, (d) => Math.log((n + 1) / (d + 0.5)));
}

/** The training questions' BM25 tokens and an index over the training passages. */
export interface Bm25Corpus {
  index: Bm25Index;
  questions: string[][];
}

export function bm25Corpus(questions: string[], passageTexts: string[]): Bm25Corpus {
  return { index: new Bm25Index(passageTexts.map(bm25Tokens)), questions: questions.map(bm25Tokens) };
}

/**
 * BM25-mined hard negatives: `perPair` passages BM25 ranks highly for each
 * question that are not its gold passage, drawn from the top `depth` without
 * the single best non-gold hit half of the time (it is the likeliest
 * unlabelled true answer). Pair i's negatives sit at i·perPair…; −1 pads.
 */
export function mineHardNegatives(
  corpus: Bm25Corpus,
  passageOf: Int32Array,
  seed: number,
  perPair = 1,
  depth = 10,
): { passages: Int32Array; perPair: number } {
  const rng = new Rng(seed ^ 0x4a2d);
  const out = new Int32Array(corpus.questions.length * perPair).fill(-1);
  corpus.questions.forEach((q, i) => {
    const gold = passageOf[i]!;
    const candidates = corpus.index
      .search(q, depth)
      .map((h) => h.doc)
      .filter((d) => d !== gold);
    const from = candidates.length > perPair && rng.next() < 0.5 ? 1 : 0;
    const chosen = rng.shuffle(candidates.slice(from, from + Math.max(3, 2 * perPair))).slice(0, perPair);
    chosen.forEach((d, k) => (out[i * perPair + k] = d));
  });
  return { passages: out, perPair };
}

/**
 * The fixed prior of the fused objective: for the questions of `pairs` and the
 * passages `passages` of a batch, BM25(q, p) / (top BM25 of q over all
 * training passages) / `weight` — so cos + prior ranks like the search-time
 * fusion BM25/top + weight·cos.
 */
export function bm25Prior(corpus: Bm25Corpus, weight: number): BatchPrior {
  const { index, questions: tokens } = corpus;
  const scores = new Float64Array(index.docCount);
  return (pairs, passages) => {
    const m = passages.length;
    const out = new Float64Array(pairs.length * m);
    pairs.forEach((pair, i) => {
      index.scoreAll(tokens[pair]!, scores);
      let top = 0;
      for (let d = 0; d < scores.length; d++) if (scores[d]! > top) top = scores[d]!;
      if (top === 0) return;
      const k = 1 / (top * weight);
      for (let j = 0; j < m; j++) out[i * m + j] = scores[passages[j]!]! * k;
    });
    return out;
  };
}

/** BM25 held-out recall over exactly the same split the model is measured on. */
export function bm25Scorer(set: RetrievalSet): (q: number) => Float64Array {
  const index = new Bm25Index(set.passages.map(bm25Tokens));
  return (q) => index.scoreAll(bm25Tokens(set.questions[q]!));
}
