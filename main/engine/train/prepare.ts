import { Bm25Index } from './bm25.js';
import { bm25Tokens } from './bm25Tokens.js';
import { toFeatureRows, type FeatureBag, type FeatureRows } from './features.js';
import type { Pair } from './pairs.js';
import { Rng } from './rng.js';
import type { RetrievalSet } from './split.js';
import type { HeldoutData, TrainData } from './trainer.js';

export interface Featurizers {
  question: (text: string) => FeatureBag;
  passage: (text: string) => FeatureBag;
}

/** Training pairs as feature rows, passages deduplicated by exact text. */
export function prepareTrainData(pairs: Pair[], featurizers: Featurizers): TrainData & { passageTexts: string[] } {
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

/**
 * One BM25-mined hard negative per pair: a passage BM25 ranks highly for the
 * question that is not its gold passage. Drawn from ranks 2..`depth` rather than
 * always the top one, which is more often an unlabelled true answer.
 */
export function mineHardNegatives(
  questions: string[],
  passageTexts: string[],
  passageOf: Int32Array,
  seed: number,
  depth = 10,
): Int32Array {
  const index = new Bm25Index(passageTexts.map(bm25Tokens));
  const rng = new Rng(seed ^ 0x4a2d);
  const out = new Int32Array(questions.length).fill(-1);
  questions.forEach((q, i) => {
    const gold = passageOf[i]!;
    const candidates = index
      .search(bm25Tokens(q), depth)
      .map((h) => h.doc)
      .filter((d) => d !== gold);
    if (candidates.length === 0) return;
    // Skip the single best non-gold hit half of the time: it is the likeliest false negative.
    const from = candidates.length > 1 && rng.next() < 0.5 ? 1 : 0;
    out[i] = candidates[from + rng.int(Math.min(3, candidates.length - from))]!;
  });
  return out;
}

/** BM25 held-out recall over exactly the same split the model is measured on. */
export function bm25Scorer(set: RetrievalSet): (q: number) => Float64Array {
  const index = new Bm25Index(set.passages.map(bm25Tokens));
  return (q) => index.scoreAll(bm25Tokens(set.questions[q]!));
}
