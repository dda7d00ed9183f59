/**
 * Trains the ranking stage (rank/gbdt.ts) that ships in the built-in pack.
 *
 *   npx tsx scripts/train-ranker.ts [--train ../shared/train] [--out resources/models/docqa-zh-en-hashed]
 *       [--questions 24000] [--cross-fit 2] [--fold-packs DIR] [--cache FILE] [--seed 7] [--dry-run]
 *       [--reword-share 0] [--reword-rate 0.5] [--trees 300] [--zh-weight 1] [--source-weight FILE=W,…]
 *   npx tsx scripts/train-ranker.ts --cross-fit 2 --fold-packs DIR --prepare-fold K   (train fold K's towers alone)
 *
 * Data: the question → passage pairs of ../shared/train only. Their passages are
 * written as documents (title line, blank line, paragraphs, as the SQuAD-style
 * dev sets are) and indexed by the real engine with the pack; each sampled
 * question is asked through the real recall, and its candidates (fused top 60)
 * are labelled by the passage that answers it. Some passages and some whole
 * articles are left out of the library: their questions are the "not in your
 * documents" examples that calibrate the not-found decision. No evaluation set is
 * read. Writes ranker.json into the pack and records it in manifest.json.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Library } from '../main/engine/library/library.js';
import type { GbdtModel } from '../main/engine/rank/gbdt.js';
import { scoreGbdt } from '../main/engine/rank/gbdt.js';
import { BackgroundFrequency } from '../main/engine/rank/backgroundFrequency.js';
import { absentTermSpecificity, answerFeatures } from '../main/engine/rank/learnedRanker.js';
import { contentUnits } from '../main/engine/search/coverage.js';
import {
  analyseQuestion,
  FEATURE_NAMES,
  RANK_FEATURE_SET,
  rankingFeatures,
} from '../main/engine/rank/rankFeatures.js';
import {
  ScoreFusionRanker,
  type RankedCandidate,
  type Ranker,
  type RankInput,
} from '../main/engine/search/ranker.js';
import { DENSE_WEIGHT } from '../main/engine/library/library.js';
import { loadPairs } from '../main/engine/train/pairs.js';
import { dropSharedWords } from '../main/engine/train/lexicalDropout.js';
import { Rng } from '../main/engine/train/rng.js';
import { splitByPassage } from '../main/engine/train/split.js';
import { findDesign } from '../main/engine/train/designs.js';
import { runTrainJob } from '../main/engine/train/job.js';
import { TOWER_HELDOUT_FRACTION } from './builtinTrainingSplit.js';
import { writePackReadmeSection } from './packReadmeSection.js';
import { trainLambdaMart, DEFAULT_LAMBDA_MART, type RankingQuery } from '../main/engine/train/lambdaMart.js';
import { builtinPackDir } from '../main/engine/towers/builtinPack.js';
import {
  readTrainingPairs,
  SeededOrder,
  TRAINING_SOURCES,
  writeTrainingDocuments,
  type TrainingPair,
} from './trainingLibrary.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const trainDir = path.resolve(arg('--train', '../shared/train'));
const packDir = path.resolve(arg('--out', builtinPackDir()));
const questionCount = Number(arg('--questions', '24000'));
const seed = Number(arg('--seed', '7'));
const dryRun = args.includes('--dry-run');
/** Tree settings (chosen on the held-out training questions, never on an evaluation set). */
const treeOptions = {
  ...DEFAULT_LAMBDA_MART,
  // 300: held-out hit@1 en 0.7552 → 0.7569, zh 0.944 → 0.9493 over 150; 500 gave no more (0.7562 / 0.952).
  trees: Number(arg('--trees', '300')),
  learningRate: Number(arg('--learning-rate', String(DEFAULT_LAMBDA_MART.learningRate))),
  maxDepth: Number(arg('--depth', String(DEFAULT_LAMBDA_MART.maxDepth))),
  minLeafRows: Number(arg('--min-leaf', String(DEFAULT_LAMBDA_MART.minLeafRows))),
};
/**
 * Features the trees may not use: where a passage sits in its document and how long it is
 * describe the training documents (one article's paragraphs) more than documents in general.
 */
const excludeFeatures = arg('--exclude', 'logLength,logStart').split(',').filter(Boolean);
/** Asked questions are kept here, so refitting needs no second pass over the library. */
const cacheFile = args.includes('--cache') ? path.resolve(arg('--cache', '')) : null;
/**
 * Ask only questions whose passage the pack's towers were NOT trained on (their held-out
 * split, reproduced). The towers memorise their training pairs (loss 0.007), so on
 * those questions the dense channel looks near-perfect and trees learn to trust it far
 * more than it deserves on a user's questions. `--all-questions` restores the old sampling.
 */
const towerHeldoutOnly = !args.includes('--all-questions');
/** Cross-fitting folds (0 = only the shipped towers' held-out questions); fold towers are kept in --fold-packs. */
const crossFitFolds = Number(arg('--cross-fit', '2'));
const foldPacksDir = path.resolve(arg('--fold-packs', path.join(os.tmpdir(), 'docqa-ranker-folds')));
const DEPTH = 60;
/**
 * Share of the answerable questions asked reworded (lexicalDropout.ts: content words
 * shared with the answering passage dropped, each at --reword-rate), so the trees also
 * learn from questions that do not copy their passage. 0 asks every question as written.
 */
/**
 * How much a Chinese training question counts against an English one. The training files
 * hold about ten English questions for each Chinese one, so unweighted trees spend their
 * splits on English questions.
 */
const zhWeight = Number(arg('--zh-weight', '1'));
/**
 * How much a question of one training file counts (`--source-weight file=w,file=w`, files
 * by name or by the start of it: `tydiqa=3`). TyDi QA's and PubMedQA's questions were
 * written without the passage in view, as people ask; SQuAD's, with it, and they are most.
 */
const sourceWeights = parseSourceWeights(arg('--source-weight', ''));

function parseSourceWeights(spec: string): Array<[string, number]> {
  return spec
    .split(',')
    .filter((x) => x.trim())
    .map((x) => {
      const [name, w] = x.split('=');
      const weight = Number(w);
      if (!name || !(weight > 0)) throw new Error(`--source-weight: expected file=weight, got "${x}"`);
      return [name.trim(), weight] as [string, number];
    });
}

function weightOf(e: { lang: string; source?: string }): number {
  const source = sourceWeights.find(([name]) => e.source?.startsWith(name))?.[1] ?? 1;
  return (e.lang === 'zh' ? zhWeight : 1) * source;
}
const rewordShare = Number(arg('--reword-share', '0'));
const rewordRate = Number(arg('--reword-rate', '0.5'));

const order = new SeededOrder(seed);
const shuffle = <T>(xs: T[]): T[] => order.shuffle(xs);
type Pair = TrainingPair;
const readPairs = (): Pair[] =>
  readTrainingPairs(trainDir, order, towerHeldoutOnly ? { everyArticle: true } : undefined);

/** What the capturing ranker saw for the last question. */
interface Captured {
  ids: number[];
  rows: Float32Array[];
  /** The question's content units that no passage of the library holds. */
  absent: string[];
}

/** Score fusion as the engine ranks today, recording the features of its first DEPTH candidates. */
class CapturingRanker implements Ranker {
  readonly name = 'capture';
  last: Captured | null = null;
  private readonly fusion = new ScoreFusionRanker(DENSE_WEIGHT);
  rank(input: RankInput): RankedCandidate[] {
    const fused = this.fusion.rank(input);
    const head = fused.slice(0, DEPTH);
    const texts = input.context!.passages(head.map((c) => c.chunkId));
    const present = head.filter((c) => texts.has(c.chunkId));
    const q = analyseQuestion(input.question);
    const stats = input.context!.termStats([...q.units]);
    this.last = {
      absent: [...q.units].filter((u) => !stats.df.get(u)),
      ids: present.map((c) => c.chunkId),
      rows: rankingFeatures(
        q,
        present.map((c) => ({ ...c, ...texts.get(c.chunkId)! })),
        stats,
      ),
    };
    return fused;
  }
}

/** One asked question: its candidates' features and labels, and what the not-found decision weighs. */
interface Example {
  lang: string;
  /** The training file the question came from (absent in a cache written before sources were kept). */
  source?: string;
  answerable: boolean;
  query: RankingQuery;
  valid: boolean;
  absent: string[];
}

const BACKGROUND_LOG2 = 18;

/**
 * The passages the pack's towers held out while training, reproduced from the same files
 * in the same order with the same split. Checked against the counts the pack recorded, so
 * a pack trained differently fails here instead of leaking its training pairs.
 */
function towerHeldoutPassages(): Set<string> {
  const { pairs, seed, heldout: recorded } = towerTraining();
  const split = splitByPassage(pairs, TOWER_HELDOUT_FRACTION, seed);
  if (
    split.heldout.passages.length !== recorded.passages ||
    split.heldout.questions.length !== recorded.questions
  )
    throw new Error(
      `reproduced tower held-out split (${split.heldout.questions.length} questions, ${split.heldout.passages.length} passages) ` +
        `is not the pack's (${recorded.questions}, ${recorded.passages}); use --all-questions`,
    );
  return new Set(split.heldout.passages);
}

/** How the pack's towers were trained, as its manifest records it, with their pairs (read once). */
interface TowerTraining {
  pairs: ReturnType<typeof loadPairs>;
  design: string;
  seed: number;
  heldout: { questions: number; passages: number };
}
let towerTrainingRead: TowerTraining | null = null;

function towerTraining(): TowerTraining {
  if (towerTrainingRead) return towerTrainingRead;
  const manifest = JSON.parse(readFileSync(path.join(packDir, 'manifest.json'), 'utf8')) as {
    trainingData?: string[];
    training?: { design?: string; seed?: number };
    metrics?: { heldout?: { questions: number; passages: number } };
  };
  const files = (manifest.trainingData ?? []).map((line) => path.join(trainDir, line.split(':')[0]));
  const { design, seed } = manifest.training ?? {};
  const heldout = manifest.metrics?.heldout;
  if (!files.length || !heldout || design === undefined || seed === undefined)
    throw new Error(`${packDir}: the pack records no training files or held-out split; use --all-questions`);
  towerTrainingRead = { pairs: loadPairs(files), design, seed, heldout };
  return towerTrainingRead;
}

/** Questions to ask through one pack's recall: the pack, and which pairs to ask. */
interface AskPlan {
  label: string;
  pack: string;
  answerable: Pair[];
  unanswerable: Pair[];
}

async function collectExamples(): Promise<{ examples: Example[]; background: BackgroundFrequency }> {
  const started = Date.now();
  const pairs = readPairs();
  // Leave out ~6% of the articles and ~6% of the other passages: their questions have no answer here.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-ranker-'));
  const docs = path.join(tmp, 'docs');
  const { spans, absent, articles, absentArticles } = writeTrainingDocuments(pairs, docs, order);
  console.log(
    `${pairs.length} pairs, ${articles} articles (${absentArticles} left out), ${spans.size} passages indexed`,
  );
  const plans: AskPlan[] = [];
  if (towerHeldoutOnly) {
    // Every question about a passage the towers never saw (pairs sharing a passage are
    // different questions; validation is split by article, so none leaks across).
    const unseen = towerHeldoutPassages();
    const asked = shuffle(pairs.filter((p) => unseen.has(p.passage)));
    plans.push({
      label: 'shipped towers, their held-out passages',
      pack: packDir,
      answerable: asked.filter((p) => !absent(p)),
      unanswerable: asked.filter(absent),
    });
    // Cross-fitting: towers trained without one fold of the passages answer that fold's
    // questions, so the trees see many more questions whose passage the towers never saw.
    for (let fold = 0; fold < crossFitFolds; fold++) {
      const inFold = (p: { passage: string }) => passageFold(p.passage) === fold && !unseen.has(p.passage);
      const oneEach = new Map<string, Pair>();
      for (const p of shuffle(pairs.filter(inFold))) if (!oneEach.has(p.passage)) oneEach.set(p.passage, p);
      const share = Math.round(questionCount / crossFitFolds);
      plans.push({
        label: `fold ${fold + 1}/${crossFitFolds} towers`,
        pack: await foldPack(fold),
        answerable: [...oneEach.values()].filter((p) => !absent(p)).slice(0, share),
        unanswerable: [...oneEach.values()].filter(absent).slice(0, Math.round(share * 0.2)),
      });
    }
  } else {
    // One question per passage (pairs sharing a passage ask about the same text).
    const oneEach = new Map<string, Pair>();
    for (const p of shuffle(pairs.slice())) if (!oneEach.has(p.passage)) oneEach.set(p.passage, p);
    plans.push({
      label: 'shipped towers, any passage',
      pack: packDir,
      answerable: [...oneEach.values()].filter((p) => !absent(p)).slice(0, questionCount),
      unanswerable: [...oneEach.values()].filter(absent).slice(0, Math.round(questionCount * 0.2)),
    });
  }
  const examples: Example[] = [];
  for (const plan of plans) examples.push(...(await askThroughRecall(plan, docs, tmp, spans, started)));
  rmSync(tmp, { recursive: true, force: true });
  // Background frequencies from the passages the library held (the left-out ones must stay unknown).
  const background = BackgroundFrequency.build(
    [...spans.keys()].map((passage) => contentUnits(passage)),
    BACKGROUND_LOG2,
  );
  return { examples, background };
}

/** Indexes the documents with the plan's pack and asks its questions, labelling the fused top DEPTH. */
async function askThroughRecall(
  plan: AskPlan,
  docs: string,
  tmp: string,
  spans: Map<string, { file: string; start: number; end: number }>,
  started: number,
): Promise<Example[]> {
  const capture = new CapturingRanker();
  const dbPath = path.join(
    tmp,
    `train-${createHash('sha1').update(plan.pack).digest('hex').slice(0, 8)}.sqlite`,
  );
  const lib = await Library.open({ dbPath, packDir: plan.pack, ranker: capture });
  const folder = await lib.addFolder(docs);
  const summary = await lib.ingest({ folderIds: [folder.id] });
  console.log(
    `[${plan.label}] indexed in ${((Date.now() - started) / 1000).toFixed(0)} s: ${summary.chunks} passages; ` +
      `asking ${plan.answerable.length} answerable and ${plan.unanswerable.length} unanswerable questions`,
  );
  const db = new Database(dbPath, { readonly: true });
  const chunkPlace = new Map(
    (
      db
        .prepare(
          'SELECT c.id, c.start, c.end, c.text, d.rel_path FROM chunks c JOIN documents d ON d.id = c.document_id',
        )
        .all() as { id: number; start: number; end: number; text: string; rel_path: string }[]
    ).map((r) => [r.id, r]),
  );
  db.close();

  const examples: Example[] = [];
  const asked = [
    ...plan.answerable.map((p) => [p, true] as const),
    ...plan.unanswerable.map((p) => [p, false] as const),
  ];
  for (let i = 0; i < asked.length; i++) {
    const [pair, isAnswerable] = asked[i];
    capture.last = null;
    await lib.ask(askedQuestion(pair, isAnswerable), { k: 10, mode: 'hybrid' });
    if (!capture.last) continue;
    const { ids, rows, absent: absentUnits } = capture.last as Captured;
    const span = spans.get(pair.passage);
    const labels = ids.map((id) => {
      if (!isAnswerable || !span) return 0;
      const c = chunkPlace.get(id)!;
      if (c.rel_path !== span.file || c.end <= span.start || span.end <= c.start) return 0;
      if (pair.answer && pair.passage.includes(pair.answer)) return c.text.includes(pair.answer) ? 1 : 0;
      return Math.min(c.end, span.end) - Math.max(c.start, span.start) >=
        Math.min(200, (span.end - span.start) / 2)
        ? 1
        : 0;
    });
    const h = createHash('sha1').update(pair.article).digest()[0];
    examples.push({
      lang: pair.lang,
      source: pair.source,
      answerable: isAnswerable,
      query: { rows, labels },
      valid: h < 52,
      absent: absentUnits,
    });
    if ((i + 1) % 1000 === 0)
      console.log(
        `[${plan.label}] asked ${i + 1}/${asked.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
  }
  await lib.close();
  return examples;
}

/** The question as asked: reworded for a seeded share of the answerable ones (same choice on every run). */
function askedQuestion(pair: Pair, answerable: boolean): string {
  if (!answerable || rewordShare <= 0) return pair.question;
  const h = createHash('sha1').update(`reword|${seed}|${pair.id}|${pair.question}`).digest();
  if (h.readUInt32BE(0) / 2 ** 32 >= rewordShare) return pair.question;
  return dropSharedWords(pair.question, pair.passage, rewordRate, new Rng(h.readUInt32BE(4)));
}

/** Which cross-fitting fold a passage falls in (stable for the text). */
function passageFold(passage: string): number {
  return createHash('sha1').update(passage).digest().readUInt32BE(4) % crossFitFolds;
}

/**
 * Towers of the shipped design trained on the shipped training files without one fold of
 * the passages (kept in --fold-packs, so a rerun or another process reuses them).
 */
async function foldPack(fold: number): Promise<string> {
  const dir = path.join(foldPacksDir, `fold-${fold + 1}-of-${crossFitFolds}`);
  if (existsSync(path.join(dir, 'manifest.json'))) return dir;
  const towers = towerTraining();
  const design = findDesign(towers.design);
  if (!design) throw new Error(`unknown tower design ${towers.design}`);
  design.train.seed = towers.seed;
  const kept = towers.pairs.filter((p) => passageFold(p.passage) !== fold);
  console.log(`[fold ${fold + 1}] training towers on ${kept.length} pairs into ${dir}`);
  await runTrainJob({
    pairs: kept,
    out: dir,
    design,
    heldoutFrac: TOWER_HELDOUT_FRACTION,
    name: `ranker-fold-${fold + 1}`,
    version: '0',
    license: 'not shipped',
    attribution: [],
    trainingData: [`shipped training files without fold ${fold + 1} of ${crossFitFolds}`],
    log: (line) => console.log(`[fold ${fold + 1}] ${line}`),
  });
  return dir;
}

async function main(): Promise<void> {
  const started = Date.now();
  if (args.includes('--prepare-fold')) {
    // Lets folds train in parallel processes before the main run reuses them.
    console.log(await foldPack(Number(arg('--prepare-fold', '1')) - 1));
    return;
  }
  let data: { examples: Example[]; background: BackgroundFrequency };
  if (cacheFile && existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
      examples: (Omit<Example, 'query'> & { rows: number[][]; labels: number[] })[];
      background: string;
    };
    data = {
      examples: cached.examples.map(({ rows, labels, ...e }) => ({
        ...e,
        query: { rows: rows.map((r) => Float32Array.from(r)), labels },
      })),
      background: BackgroundFrequency.fromBytes(Buffer.from(cached.background, 'base64')),
    };
    console.log(`read ${data.examples.length} asked questions from ${cacheFile}`);
  } else {
    data = await collectExamples();
    if (cacheFile)
      writeFileSync(
        cacheFile,
        JSON.stringify({
          examples: data.examples.map(({ query, ...e }) => ({
            ...e,
            rows: query.rows.map((r) => Array.from(r)),
            labels: query.labels,
          })),
          background: Buffer.from(data.background.toBytes()).toString('base64'),
        }),
      );
  }
  const { examples, background } = data;
  const train = examples.filter((e) => !e.valid && e.query.labels.some((l) => l > 0));
  const valid = examples.filter((e) => e.valid);
  console.log(
    `training on ${train.length} questions (${train.reduce((s, e) => s + e.query.rows.length, 0)} candidates)`,
  );
  const model: GbdtModel = trainLambdaMart(
    train.map((e) => (weightOf(e) !== 1 ? { ...e.query, weight: weightOf(e) } : e.query)),
    FEATURE_NAMES,
    RANK_FEATURE_SET,
    {
      ...treeOptions,
      excludeFeatures,
      onTree: (t, ndcg) => {
        if (t % 25 === 0) console.log(`tree ${t}: training NDCG@10 ${ndcg.toFixed(4)}`);
      },
    },
  );

  // Held-out questions (articles never trained on): fused order vs trees, by language and by training file.
  const firstIsHit = (e: Example, score: (row: Float32Array, i: number) => number) => {
    let best = -1;
    let bestScore = -Infinity;
    e.query.rows.forEach((r, i) => {
      const x = score(r, i);
      if (x > bestScore) [best, bestScore] = [i, x];
    });
    return best >= 0 && e.query.labels[best] > 0;
  };
  const heldOutHits = (vs: Example[]) => {
    const share = (score: (row: Float32Array, i: number) => number) =>
      round(vs.filter((e) => firstIsHit(e, score)).length / Math.max(vs.length, 1));
    return {
      questions: vs.length,
      'fusion hit@1': share((_, i) => -i),
      'ranker hit@1': share((r) => scoreGbdt(model, r)),
    };
  };
  const report: Record<string, Record<string, number>> = {};
  for (const lang of ['en', 'zh'])
    report[lang] = heldOutHits(valid.filter((e) => e.answerable && e.lang === lang));
  console.log('held-out:', JSON.stringify(report));
  const bySource: Record<string, string> = {};
  for (const source of new Set(valid.map((e) => e.source).filter((x): x is string => !!x))) {
    const h = heldOutHits(valid.filter((e) => e.answerable && e.source === source));
    bySource[source] = `${h.questions}: fusion ${h['fusion hit@1']} → trees ${h['ranker hit@1']}`;
  }
  if (Object.keys(bySource).length) console.log('held-out by source:', JSON.stringify(bySource));

  // Not-found calibration: logistic regression on the answer features, fitted on the held-out questions.
  const calib = valid.map((e) => {
    const scores = e.query.rows.map((r) => scoreGbdt(model, r));
    const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
    return {
      x: answerFeatures(
        order.map(([s]) => s),
        e.query.rows[order[0][1]],
        absentTermSpecificity(e.absent, background),
      ),
      y: e.answerable ? 1 : 0,
    };
  });
  const { weights, bias } = fitLogistic(calib);
  const p = (x: number[]) => 1 / (1 + Math.exp(-(bias + x.reduce((s, v, i) => s + v * weights[i], 0))));
  const positives = calib
    .filter((c) => c.y === 1)
    .map((c) => p(c.x))
    .sort((a, b) => a - b);
  const negatives = calib.filter((c) => c.y === 0).map((c) => p(c.x));
  // Say "not found" for at most 2% of the answerable held-out questions.
  const threshold = positives[Math.floor(positives.length * 0.02)] ?? 0.5;
  const rightlyNotFound = negatives.filter((x) => x < threshold).length / Math.max(negatives.length, 1);
  console.log(
    `not-found threshold ${threshold.toFixed(3)}: answerable said not found 2%, unanswerable said not found ${(rightlyNotFound * 100).toFixed(1)}% (${negatives.length})`,
  );
  model.answerable = { weights, bias, threshold };
  model.training = {
    // A new name for new trees: learning from use keys the trees it adds to this name, and
    // trees added to other trees must not be applied to these.
    name: 'builtin-7',
    corpora: TRAINING_SOURCES.map(
      (s) => `${s.file} (../shared/train): passages as documents, questions as queries`,
    ),
    questions: train.length,
    questionsAsked: towerHeldoutOnly
      ? `only about passages the answering towers never saw: the pack towers' held-out split, and ${crossFitFolds} cross-fitting folds (towers of the same design and seed trained without the fold)`
      : 'one per passage, any passage (the towers trained on most of them)',
    candidatesPerQuestion: DEPTH,
    heldOut: report,
    notFound: {
      threshold,
      answerableHeldOut: positives.length,
      unanswerableHeldOut: negatives.length,
      rightlyNotFound: round(rightlyNotFound),
    },
    options: {
      ...treeOptions,
      excludeFeatures,
      ...(zhWeight !== 1 ? { zhWeight } : {}),
      ...(sourceWeights.length ? { sourceWeights: Object.fromEntries(sourceWeights) } : {}),
    },
    seed,
    featureImportance: featureImportance(model),
  };
  console.log('feature importance (split gain share):', JSON.stringify(model.training.featureImportance));
  if (dryRun) return;
  writeRanker(model, background);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const round = (x: number) => Math.round(x * 10000) / 10000;

function fitLogistic(data: { x: number[]; y: number }[]): { weights: number[]; bias: number } {
  const d = data[0]?.x.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const { x } of data) x.forEach((v, i) => (mean[i] += v / data.length));
  for (const { x } of data) x.forEach((v, i) => (sd[i] += (v - mean[i]) ** 2 / data.length));
  const scale = sd.map((v) => Math.sqrt(v) || 1);
  let w = new Array<number>(d).fill(0);
  let b = 0;
  const pos = data.filter((e) => e.y === 1).length;
  const weightOf = (y: number) =>
    y === 1 ? data.length / (2 * pos) : data.length / (2 * (data.length - pos));
  for (let it = 0; it < 3000; it++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (const { x, y } of data) {
      const z = b + x.reduce((s, v, i) => s + w[i] * ((v - mean[i]) / scale[i]), 0);
      const err = (1 / (1 + Math.exp(-z)) - y) * weightOf(y);
      x.forEach((v, i) => (gw[i] += (err * (v - mean[i])) / scale[i]));
      gb += err;
    }
    w = w.map((wi, i) => wi - 0.5 * (gw[i] / data.length + 1e-3 * wi));
    b -= (0.5 * gb) / data.length;
  }
  // Back to raw feature units.
  const weights = w.map((wi, i) => wi / scale[i]);
  const bias = b - w.reduce((s, wi, i) => s + (wi * mean[i]) / scale[i], 0);
  return { weights, bias };
}

function featureImportance(model: GbdtModel): Record<string, number> {
  const counts = new Array<number>(model.features.length).fill(0);
  for (const t of model.trees) for (const f of t.feature) if (f >= 0) counts[f]++;
  const total = counts.reduce((s, x) => s + x, 0) || 1;
  return Object.fromEntries(
    model.features.map((n, i) => [n, round(counts[i] / total)] as const).sort((a, b) => b[1] - a[1]),
  );
}

function writeRanker(model: GbdtModel, background: BackgroundFrequency): void {
  const manifestPath = path.join(packDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown> & {
    files: Record<string, { sha256: string; bytes: number }>;
  };
  const write = (file: string, bytes: Uint8Array) => {
    writeFileSync(path.join(packDir, file), bytes);
    manifest.files[file] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  };
  const file = 'ranker.json';
  write(file, Buffer.from(JSON.stringify(model)));
  write('background-df.bin', background.toBytes());
  manifest.ranker = {
    file,
    featureSet: model.featureSet,
    background: 'background-df.bin',
    training: model.training,
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  writePackReadmeSection(packDir, RANKER_README_BEGIN, RANKER_README_END, rankerReadme(model));
}

const RANKER_README_BEGIN = '<!-- ranker: made by scripts/train-ranker.ts -->';
const RANKER_README_END = '<!-- /ranker -->';

function rankerReadme(model: GbdtModel): string[] {
  const t = model.training as {
    questions: number;
    heldOut: Record<string, Record<string, number>>;
    notFound: { rightlyNotFound: number };
    featureImportance: Record<string, number>;
    options: { trees: number; maxDepth: number };
  };
  const heldOut = Object.entries(t.heldOut)
    .map(([lang, r]) => `${lang} ${r['fusion hit@1']} → ${r['ranker hit@1']} (${r.questions} questions)`)
    .join(', ');
  const importance = Object.entries(t.featureImportance)
    .filter(([, share]) => share > 0)
    .map(([name, share]) => `${name} ${share}`)
    .join(', ');
  return [
    '## Ranking stage (`ranker.json`, `background-df.bin`)',
    '',
    `Gradient-boosted trees (LambdaMART, ${t.options.trees} trees of depth ≤ ${t.options.maxDepth}, feature set \`${model.featureSet}\`) re-score the first 60 candidates of score fusion in hybrid mode; \`background-df.bin\` holds hashed document frequencies of the training passages for the not-found calibration. Trained by \`scripts/train-ranker.ts\` from the four training files above only, on ${t.questions} questions asked through the engine's own recall.`,
    '',
    `Only questions whose passage the towers that answered them never saw are used: the held-out split of this pack's towers, and ${crossFitFolds || 'no'} cross-fitting folds whose towers (same design and seed) were trained without that fold. The towers memorise their training pairs, so on those questions the dense channel looks near-perfect and trees trained there over-trust it on anyone else's questions.`,
    '',
    `Held-out hit@1 (articles the trees never saw), score fusion → trees: ${heldOut}. Not found: at the threshold where 2% of the answerable held-out questions are said "not found", ${(t.notFound.rightlyNotFound * 100).toFixed(1)}% of those whose passage was left out are. Feature importance (share of splits): ${importance}. Figures on the evaluation sets: \`main/engine/eval/README.md\`, "The ranking stage".`,
  ];
}

await main();
