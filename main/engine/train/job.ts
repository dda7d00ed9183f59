import { featurize } from '../towers/featurize.js';
import type { FeaturizerSpec } from '../towers/featurizerSpec.js';
import type { PackIdentity, PackRankerFiles } from '../towers/packWriter.js';
import { UserError } from '../errors.js';
import { builtinLexicon } from '../search/lexicon.js';
import { codeSwitchedPairs, lexiconPairs, type CodeSwitchOptions } from './codeSwitch.js';
import { rewordedPairs } from './lexicalDropout.js';
import type { Design } from './designs.js';
import { exportPack } from './exportPack.js';
import { recallMetrics, type RecallMetrics } from './metrics.js';
import { minePairs } from './mine.js';
import { englishVocabulary, initRowsFromWordVectors, type WordVectorInitReport } from './wordVectorInit.js';
import { builtinWordVectors } from '../rank/wordVectors.js';
import { builtinEnglishWords } from '../search/englishWords.js';
import { initModel, isTied, type HashedModel } from './model.js';
import type { Pair } from './pairs.js';
import {
  bm25Corpus,
  bm25Prior,
  bm25Scorer,
  bucketIdf,
  mineHardNegatives,
  prepareHeldout,
  prepareTrainData,
  type Featurizers,
} from './prepare.js';
import { Rng } from './rng.js';
import { splitByPassage, type RetrievalSet } from './split.js';
import { evaluateModel, train, type EpochRecord, type HeldoutData, type TrainProgress } from './trainer.js';

export interface TrainJob {
  pairs: Pair[];
  out: string;
  design: Design;
  /** Start from this model instead of a fresh initialisation (its featurizer is kept). */
  init?: {
    model: HashedModel;
    featurizer: FeaturizerSpec;
    from: string;
    /** Its ranking stage, shipped with the fine-tuned towers. */
    ranker?: PackRankerFiles | null;
    provenance?: { name: string; version: string };
  } | null;
  heldoutFrac: number;
  maxHeldoutPassages?: number;
  /** Pack identity and provenance for the manifest. */
  name: string;
  version: string;
  license: string;
  attribution: string[];
  trainingData: string[];
  onProgress?: (p: TrainProgress) => void;
  onEpoch?: (r: EpochRecord) => void;
  log?: (line: string) => void;
}

export interface HeldoutReport {
  questions: number;
  passages: number;
  model: RecallMetrics;
  bm25: RecallMetrics;
  /** BM25 / top BM25 + weight × cosine (the product's score fusion, fusedScorer) on the same split. */
  hybrid: RecallMetrics & { weight: number };
  untrained: RecallMetrics | null;
}

export interface TrainSummary {
  pack: PackIdentity;
  design: string;
  trainPairs: number;
  selfSupervisedPairs: number;
  heldout: HeldoutReport | null;
  epochs: EpochRecord[];
  bestEpoch: number;
  pairsPerSec: number;
  seconds: number;
}

/** The fusion weight reported next to BM25 unless the design trains for one (weights of 0.4–1.0 were measured useful for trained towers). */
export const REPORT_FUSION_WEIGHT = 1;

export function featurizersFor(spec: FeaturizerSpec): Featurizers {
  return {
    question: (t) => featurize(t, spec, { role: 'question' }),
    passage: (t) => featurize(t, spec, { role: 'passage' }),
  };
}

/** Inverse-cloze pairs from the training passages themselves (never from held-out ones). */
export function selfSupervisedPairs(pairs: Pair[], seed: number): Pair[] {
  const rng = new Rng(seed ^ 0x1c7);
  const seen = new Set<string>();
  const out: Pair[] = [];
  for (const p of pairs) {
    if (seen.has(p.passage)) continue;
    seen.add(p.passage);
    const chunk = { start: 0, end: p.passage.length, text: p.passage, headingPath: [] };
    out.push(
      ...minePairs({ title: '', text: p.passage, chunks: [chunk] }, `${p.source} (inverse cloze)`, rng),
    );
  }
  return out;
}

/**
 * The design's cross-lingual pairs from the training split only (never from
 * held-out passages), made with the built-in pack's lexicon.
 */
function crossLingualPairs(
  train: Pair[],
  options: CodeSwitchOptions,
  seed: number,
): { codeSwitched: Pair[]; lexicon: Pair[] } {
  const lexicon = builtinLexicon();
  if (!lexicon)
    throw new UserError('this design needs the bilingual lexicon (lexicon.bin of the built-in pack)');
  return {
    codeSwitched: codeSwitchedPairs(lexicon, train, options, seed),
    lexicon: lexiconPairs(lexicon, train, options.lexiconPairs, options.lexiconVocabulary),
  };
}

/** Split, featurize, train, measure against BM25 on the same held-out split, write the pack. */
export async function runTrainJob(job: TrainJob): Promise<TrainSummary> {
  const log = job.log ?? (() => {});
  const { design } = job;
  const seed = design.train.seed;
  const featurizer = job.init?.featurizer ?? design.featurizer;
  const fz = featurizersFor(featurizer);
  const buckets = 2 ** featurizer.log2Buckets;

  const split = splitByPassage(job.pairs, job.heldoutFrac, seed, job.maxHeldoutPassages);
  if (split.train.length === 0)
    throw new UserError('no training pairs left after the held-out split', '--heldout-frac');
  const extra = design.selfSupervised ? selfSupervisedPairs(split.train, seed) : [];
  const crossLingual = design.codeSwitch ? crossLingualPairs(split.train, design.codeSwitch, seed) : null;
  const reworded = design.reword ? rewordedPairs(split.train, design.reword, seed) : [];
  const trainPairs = [
    ...split.train,
    ...extra,
    ...reworded,
    ...(crossLingual?.codeSwitched ?? []),
    ...(crossLingual?.lexicon ?? []),
  ];
  const mixed =
    (extra.length > 0 ? ` (${extra.length} of them inverse-cloze pairs from the training passages)` : '') +
    (reworded.length > 0 ? ` (${reworded.length} reworded questions)` : '') +
    (crossLingual
      ? ` (${crossLingual.codeSwitched.length} code-switched questions, ${crossLingual.lexicon.length} lexicon pairs)`
      : '');
  log(
    `pairs: ${trainPairs.length} for training${mixed}, held out ${split.heldout.questions.length} questions over ${split.heldout.passages.length} unseen passages`,
  );
  const data = prepareTrainData(trainPairs, fz);
  const corpus =
    design.hardNegatives > 0 || design.fusionWeight !== null
      ? bm25Corpus(
          trainPairs.map((p) => p.question),
          data.passageTexts,
        )
      : null;
  if (design.hardNegatives > 0)
    data.hardNegatives = mineHardNegatives(corpus!, data.passageOf, seed, design.hardNegatives);
  const fusionWeight = design.fusionWeight ?? REPORT_FUSION_WEIGHT;
  if (design.fusionWeight !== null) data.prior = bm25Prior(corpus!, design.fusionWeight);
  const heldout = split.heldout.questions.length > 0 ? prepareHeldout(split.heldout, fz) : null;
  const heldoutBm25 = heldout ? bm25Scorer(split.heldout) : null;
  if (heldout && design.fusionWeight !== null)
    heldout.fusion = { bm25: heldoutBm25!, weight: design.fusionWeight };

  const model =
    job.init?.model ??
    initModel({
      buckets,
      dim: design.dim,
      tied: design.tied,
      termWeights: design.idfTermWeights ? bucketIdf(data.passages, buckets) : null,
      projection: design.projection,
      seed,
    });
  // A pack trained on from another (--init-from) keeps the rows it learned.
  let wordVectorStart: WordVectorInitReport | null = null;
  if (design.wordVectorInit && !job.init) {
    const vectors = builtinWordVectors();
    if (!vectors) throw new UserError('the built-in pack has no word vectors to start the table from');
    wordVectorStart = initRowsFromWordVectors(
      model,
      featurizer,
      vectors,
      englishVocabulary(
        trainPairs.flatMap((p) => [p.question, p.passage]),
        builtinEnglishWords()?.words() ?? [],
      ),
      {
        share: design.wordVectorInit.share,
        seed,
      },
    );
    log(`word-vector start: ${wordVectorStart.words} words`);
  }
  if (model.buckets !== buckets)
    throw new UserError(
      `--init-from pack has ${model.buckets} buckets, the featurizer ${buckets}`,
      '--init-from',
    );

  const result = train(model, data, heldout, design.train, job.onProgress, job.onEpoch);
  const report = heldout
    ? heldoutReport(
        result.model,
        split.heldout,
        heldout,
        heldoutBm25!,
        result.initial?.dense ?? null,
        fusionWeight,
      )
    : null;
  if (report) {
    log(
      `held-out recall@1/@10: model ${fmt(report.model)} · BM25 ${fmt(report.bm25)} · BM25+${fusionWeight}×cos ${fmt(report.hybrid)}`,
    );
  }
  const training = {
    design: design.name,
    summary: design.summary,
    initFrom: job.init?.from ?? null,
    seed,
    config: design.train,
    dim: model.dim,
    tied: isTied(model),
    projection: { question: model.question.projection !== null, answer: model.answer.projection !== null },
    hardNegatives: design.hardNegatives,
    fusionWeight: design.fusionWeight,
    selfSupervised: design.selfSupervised,
    codeSwitch: design.codeSwitch
      ? {
          ...design.codeSwitch,
          made: { codeSwitched: crossLingual!.codeSwitched.length, lexicon: crossLingual!.lexicon.length },
          lexicon: 'CC-CEDICT (lexicon.bin of the built-in pack)',
        }
      : null,
    wordVectorInit: wordVectorStart
      ? {
          ...design.wordVectorInit,
          words: wordVectorStart.words,
          vectors: 'GloVe 6B 100d (word-vectors.bin of the built-in pack)',
        }
      : null,
    table: design.table,
    trainPairs: trainPairs.length,
    selfSupervisedPairs: extra.length,
    bestEpoch: result.bestEpoch,
    epochs: result.history.map((e) => ({
      epoch: e.epoch,
      loss: round(e.loss),
      heldout: e.heldout ? roundMetrics(e.heldout) : null,
      fused: e.fused ? roundMetrics(e.fused) : null,
    })),
    pairsPerSec: Math.round(result.pairsPerSec),
    seconds: Math.round(result.seconds),
  };
  const { identity } = await exportPack(job.out, result.model, design.table, {
    name: job.name,
    version: job.version,
    license: job.license,
    attribution: job.attribution,
    trainingData: job.trainingData,
    featurizer,
    metrics: {
      heldout: report
        ? {
            questions: report.questions,
            passages: report.passages,
            model: roundMetrics(report.model),
            bm25: roundMetrics(report.bm25),
            hybrid: { ...roundMetrics(report.hybrid), weight: report.hybrid.weight },
          }
        : null,
    },
    training,
    ranker: carriedRanker(job.init),
  });
  return {
    pack: identity,
    design: design.name,
    trainPairs: trainPairs.length,
    selfSupervisedPairs: extra.length,
    heldout: report,
    epochs: result.history,
    bestEpoch: result.bestEpoch,
    pairsPerSec: result.pairsPerSec,
    seconds: result.seconds,
  };
}

/**
 * The starting pack's ranking stage, shipped with the fine-tuned towers: its features are
 * normalised per question, so it reads the stronger dense channel of adapted towers as it
 * reads its own (measured in the eval README, "Every pack"); without it a fine-tuned pack
 * would fall back to score fusion.
 */
function carriedRanker(init: TrainJob['init']): PackRankerFiles | undefined {
  if (!init?.ranker) return undefined;
  const { manifest, files } = init.ranker;
  return {
    manifest: {
      ...manifest,
      training: {
        ...manifest.training,
        carriedFrom: init.provenance ? `${init.provenance.name} ${init.provenance.version}` : init.from,
      },
    },
    files,
  };
}

export function heldoutReport(
  model: HashedModel,
  set: RetrievalSet,
  rows: HeldoutData,
  bm25: (question: number) => ArrayLike<number>,
  untrained: RecallMetrics | null,
  weight: number,
): HeldoutReport {
  const { dense, fused } = evaluateModel(model, { ...rows, fusion: { bm25, weight } });
  return {
    questions: set.questions.length,
    passages: set.passages.length,
    model: dense,
    bm25: recallMetrics(set.questions.length, set.passages.length, set.gold, bm25),
    hybrid: { ...fused!, weight },
    untrained,
  };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function roundMetrics(m: RecallMetrics): RecallMetrics {
  return {
    questions: m.questions,
    passages: m.passages,
    'recall@1': round(m['recall@1']),
    'recall@5': round(m['recall@5']),
    'recall@10': round(m['recall@10']),
    'mrr@10': round(m['mrr@10']),
  };
}

export function fmt(m: RecallMetrics): string {
  return `${m['recall@1'].toFixed(3)}/${m['recall@10'].toFixed(3)}`;
}
