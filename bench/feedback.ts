/**
 * Learning from use (issue 12), measured with a simulated user on the dev sets (not a test).
 *
 * For each set (covidqa-dev, cmrc2018-dev, boolq-dev, manuals-dev; manuals-dev: answerable
 * questions only) the set's documents are indexed once; every run starts from a copy of that
 * untrained library. Per seed the (sampled) questions are split at random into a "use" half and
 * a "test" half. The simulated user asks each use question (logged), looks at the top 10 and,
 * when the gold passage is there, marks it "good" and the passages above it "bad"; the hostile
 * user does the same except that for 20% of those questions (one at random in each run of five)
 * it marks a wrong passage among the shown 10 "good" (and those above it "bad"). Then learnNow()
 * (background learning is off, so that one learning run sees all signals), and the test half is
 * asked again (split into questions whose gold passage was marked "good" in the use half, the
 * popularity effect, and those whose was not, the question side generalising), and the use half
 * asked again (hit@1 where the gold passage had been shown).
 *
 * Gold rule: the set README's (engine/eval/scoring.ts, manualsScoring.ts); an answer that says
 * "not found" counts as a miss (the manuals README's strict rule, applied to every set here).
 *
 * Also: learnNow() from exactly 100 signals on a freshly opened library, and (--latency) question
 * latency at 100k passages (--sizes 10k for a quick look), untrained vs a learned model, paired.
 *
 * Run: `npm run bench -- feedback [--sets covidqa-dev,manuals-dev] [--seeds 3] [--limit 600]
 *       [--clean-only | --hostile-only] [--latency] [--fresh] [--quick]`.
 * The sets are looked for in $DOCQA_EVAL_DIR, ../shared/eval beside the checkout, or beside the
 * main checkout of a git worktree; without them the suite is skipped with a message.
 * Indexes are kept in .cache/bench-feedback/ (--fresh rebuilds them).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEvalSet, type EvalQuestion } from '../main/engine/eval/evalSet.js';
import { firstManualsHitRank } from '../main/engine/eval/manualsScoring.js';
import { loadManualsSet } from '../main/engine/eval/manualsSet.js';
import { firstHitRank } from '../main/engine/eval/scoring.js';
import { Library } from '../main/engine/library/index.js';
import type { LearningRunReport, SearchResult } from '../main/engine/vocabulary/shapes.js';
import { builtinPackDir } from '../main/engine/towers/builtinPack.js';
import { openPack } from '../main/engine/towers/openPack.js';
import { seededRandom } from '../test/library/random.js';
import { buildSyntheticLibrary } from './engine.js';

export interface FeedbackBenchOptions {
  /** Set names under the eval folder (default the four of the issue). */
  sets?: string[];
  seeds?: number;
  /** Questions per set, sampled at random (default all). */
  limit?: number;
  /** Only the clean or only the hostile user. */
  only?: 'clean' | 'hostile';
  /** Also the question-latency measurement on a synthetic library (sizes[0], default 100k). */
  latency?: boolean;
  sizes?: string[];
  /** Rebuild the cached indexes. */
  fresh?: boolean;
  quick?: boolean;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_SETS = ['covidqa-dev', 'cmrc2018-dev', 'boolq-dev', 'manuals-dev'];
const SHOWN = 10;
/** The hostile user misleads in one of this many signals (20%). */
const HOSTILE_BLOCK = 5;
const LEARN_SIGNALS = 100;
const RULE =
  'a passage is a hit by the set README rule (SQuAD-style sets: gold document and overlapping span, or a gold answer string; manuals: gold document holding a gold snippet); an answer that says "not found" counts as a miss';

// ---- where the sets are

/** The eval folder: $DOCQA_EVAL_DIR, ../shared/eval beside this checkout, or beside a worktree's main checkout. */
function findEvalDir(): string | null {
  const candidates = [process.env.DOCQA_EVAL_DIR, path.join(ROOT, '..', 'shared', 'eval')];
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (common.status === 0 && common.stdout.trim())
    candidates.push(path.join(path.dirname(common.stdout.trim()), '..', 'shared', 'eval'));
  for (const c of candidates) if (c && statSync(c, { throwIfNoEntry: false })?.isDirectory()) return c;
  return null;
}

// ---- a set as the simulated user sees it

/** A passage as shown, with what the gold rule needs. */
interface Shown {
  folder: string;
  path: string;
  start: number;
  end: number;
  text: string;
}

interface BenchQuestion {
  id: string;
  question: string;
  /** The set's gold rule for one passage. */
  hit(p: Shown): boolean;
}

interface BenchSet {
  name: string;
  docsDir: string;
  /** Questions that take part (manuals: answerable ones). */
  questions: BenchQuestion[];
  /** All questions in the set's file. */
  total: number;
}

function loadBenchSet(dir: string): BenchSet {
  const name = path.basename(dir);
  if (name.startsWith('manuals')) {
    const set = loadManualsSet(dir);
    if (set.libraries.length !== 1 || set.libraries[0] !== '')
      throw new Error(`${name}: sets with several library folders are not supported here`);
    const questions = set.questions
      .filter((q) => q.kind !== 'none')
      .map((q) => ({
        id: q.id,
        question: q.question,
        hit: (p: Shown) =>
          firstManualsHitRank(q, [{ path: p.folder === set.docsDir ? p.path : '', text: p.text }]) === 1,
      }));
    return { name, docsDir: set.docsDir, questions, total: set.questions.length };
  }
  const set = loadEvalSet(dir);
  const hit = (q: EvalQuestion) => (p: Shown) => firstHitRank(q, set.docsDir, [p]) === 1;
  return {
    name,
    docsDir: set.docsDir,
    questions: set.questions.map((q) => ({ id: q.id, question: q.question, hit: hit(q) })),
    total: set.questions.length,
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ---- libraries

/** The set's untrained library, indexed once and kept in .cache/bench-feedback (rebuilt with --fresh). */
async function baseLibrary(
  set: BenchSet,
  fresh: boolean,
): Promise<{ file: string; reused: boolean; seconds: number; chunks: number }> {
  const dir = path.join(ROOT, '.cache', 'bench-feedback');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${set.name}.sqlite`);
  const reused = !fresh && existsSync(file);
  if (!reused) for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
  const started = performance.now();
  const lib = await Library.open({ dbPath: file });
  try {
    if (!reused) {
      await lib.addFolder(set.docsDir);
      process.stderr.write(`feedback: indexing ${set.name} into ${path.relative(ROOT, file)}…\n`);
      await lib.ingest();
    }
    const status = await lib.status();
    return { file, reused, seconds: (performance.now() - started) / 1000, chunks: status.chunks };
  } finally {
    await lib.close();
  }
}

/** A fresh copy of the untrained library, opened with background learning off (the bench calls learnNow). */
async function openCopy(base: string, tmp: string, label: string): Promise<{ lib: Library; file: string }> {
  const file = path.join(tmp, `${label}.sqlite`);
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
  copyFileSync(base, file);
  if (existsSync(base + '-wal')) copyFileSync(base + '-wal', file + '-wal');
  const lib = await Library.open({ dbPath: file });
  await lib.updateSettings({ learning: false });
  return { lib, file };
}

async function dropCopy(lib: Library, file: string): Promise<void> {
  await lib.close();
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
}

interface Asked {
  /** 1-based rank of the first hit among the shown 10 ("not found" ignored: the user sees them), 0 if none. */
  shownRank: number;
  /** The same with "not found" counted as a miss (the figures' rule). */
  rank: number;
  shown: Shown[];
  answerId?: number;
}

async function askScored(lib: Library, folders: Map<number, string>, q: BenchQuestion, log: boolean) {
  const answer = await lib.ask(q.question, { k: SHOWN, log });
  const shown = answer.results.slice(0, SHOWN).map((r: SearchResult) => ({
    folder: folders.get(r.folderId) ?? '',
    path: r.path,
    start: r.start,
    end: r.end,
    text: r.text,
  }));
  const shownRank = shown.findIndex((p) => q.hit(p)) + 1;
  return {
    shownRank,
    rank: answer.notFound ? 0 : shownRank,
    shown,
    answerId: answer.answerId,
  } satisfies Asked;
}

const folderMap = async (lib: Library) => new Map((await lib.listFolders()).map((f) => [f.id, f.path]));

// ---- the simulated user

type Variant = 'clean' | 'hostile';

interface UseOutcome {
  /** Use questions whose gold passage was among the shown 10. */
  goldShown: Set<BenchQuestion>;
  /** Passages marked "good". */
  marked: Shown[];
  signals: { good: number; bad: number; redirected: number };
}

/**
 * Asks the use questions (logged) and marks, where the gold passage is shown, it "good" and
 * those above it "bad"; the hostile user marks a random wrong shown passage instead for 20%.
 * `stopAt` ends after that many signals (the learning-time measurement).
 */
async function simulateUse(
  lib: Library,
  folders: Map<number, string>,
  questions: readonly BenchQuestion[],
  variant: Variant,
  random: () => number,
  stopAt = Infinity,
): Promise<UseOutcome> {
  const out: UseOutcome = { goldShown: new Set(), marked: [], signals: { good: 0, bad: 0, redirected: 0 } };
  let total = 0;
  let hostileSlot = 0;
  for (const q of questions) {
    if (total >= stopAt) break;
    const a = await askScored(lib, folders, q, true);
    if (!a.shownRank || a.answerId === undefined) continue;
    // Hostile: one signal in each run of five at random (exactly 20%, not 20% on average).
    const position = out.goldShown.size % HOSTILE_BLOCK;
    if (position === 0) hostileSlot = Math.floor(random() * HOSTILE_BLOCK);
    out.goldShown.add(q);
    let chosen = a.shownRank;
    if (variant === 'hostile' && position === hostileSlot) {
      const wrong = a.shown.map((p, i) => (q.hit(p) ? 0 : i + 1)).filter((r) => r > 0);
      if (wrong.length) {
        chosen = wrong[Math.floor(random() * wrong.length)];
        out.signals.redirected++;
      }
    }
    await lib.feedback(a.answerId, chosen, 'good');
    out.marked.push(a.shown[chosen - 1]);
    out.signals.good++;
    total++;
    for (let r = 1; r < chosen && total < stopAt; r++, total++) {
      await lib.feedback(a.answerId, r, 'bad');
      out.signals.bad++;
    }
  }
  return out;
}

// ---- figures

interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;

function spread(values: number[]): Spread {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean: r4(mean), sd: r4(sd), min: r4(Math.min(...values)), max: r4(Math.max(...values)) };
}

const share = (ranks: number[], k: number) =>
  ranks.length ? r4(ranks.filter((r) => r >= 1 && r <= k).length / ranks.length) : 0;

interface GroupFigures {
  questions: number;
  hit1_before: number;
  hit1_after: number;
  hit10_before: number;
  hit10_after: number;
}

function group(before: number[], after: number[]): GroupFigures {
  return {
    questions: before.length,
    hit1_before: share(before, 1),
    hit1_after: share(after, 1),
    hit10_before: share(before, 10),
    hit10_after: share(after, 10),
  };
}

interface SeedRun {
  seed: number;
  test: GroupFigures;
  /** Test questions whose gold passage was marked "good" in the use half. */
  test_popular: GroupFigures;
  /** Test questions whose gold passage was not. */
  test_generalising: GroupFigures;
  /** The use half asked again, where the gold passage had been shown (before: the untrained ranking). */
  use_again_gold_shown: GroupFigures;
  use_again_all: GroupFigures;
  signals: UseOutcome['signals'];
  learning: {
    outcome: string;
    seconds: number;
    report: LearningRunReport | null;
  };
}

async function runSeed(
  set: BenchSet,
  base: string,
  tmp: string,
  before: Map<BenchQuestion, number>,
  use: BenchQuestion[],
  test: BenchQuestion[],
  variant: Variant,
  seed: number,
): Promise<SeedRun> {
  const { lib, file } = await openCopy(base, tmp, `${set.name}-${variant}-${seed}`);
  try {
    const folders = await folderMap(lib);
    const used = await simulateUse(
      lib,
      folders,
      use,
      variant,
      seededRandom(Math.imul(seed, 0x9e3779b9) ^ 0x5bd1e995),
    );
    const started = performance.now();
    const report = await lib.learnNow();
    const seconds = (performance.now() - started) / 1000;
    const after = new Map<BenchQuestion, number>();
    for (const q of [...test, ...use]) after.set(q, (await askScored(lib, folders, q, false)).rank);
    const fig = (qs: BenchQuestion[]) =>
      group(
        qs.map((q) => before.get(q)!),
        qs.map((q) => after.get(q)!),
      );
    const popular = test.filter((q) => used.marked.some((p) => q.hit(p)));
    const popularSet = new Set(popular);
    return {
      seed,
      test: fig(test),
      test_popular: fig(popular),
      test_generalising: fig(test.filter((q) => !popularSet.has(q))),
      use_again_gold_shown: fig(use.filter((q) => used.goldShown.has(q))),
      use_again_all: fig(use),
      signals: used.signals,
      learning: { outcome: report?.outcome ?? 'no dense side', seconds: +seconds.toFixed(2), report },
    };
  } finally {
    await dropCopy(lib, file);
  }
}

/** Mean and spread over seeds of every figure of the runs. */
function summarise(runs: SeedRun[]) {
  const figs = (pick: (r: SeedRun) => GroupFigures) => ({
    questions: spread(runs.map((r) => pick(r).questions)).mean,
    hit1_before: spread(runs.map((r) => pick(r).hit1_before)),
    hit1_after: spread(runs.map((r) => pick(r).hit1_after)),
    hit10_before: spread(runs.map((r) => pick(r).hit10_before)),
    hit10_after: spread(runs.map((r) => pick(r).hit10_after)),
  });
  return {
    test: figs((r) => r.test),
    test_popular: figs((r) => r.test_popular),
    test_generalising: figs((r) => r.test_generalising),
    use_again_gold_shown: figs((r) => r.use_again_gold_shown),
    use_again_all: figs((r) => r.use_again_all),
    learning: {
      outcomes: runs.map((r) => r.learning.outcome),
      seconds: spread(runs.map((r) => r.learning.seconds)),
    },
    signals: runs.map((r) => r.signals),
    seeds: runs,
  };
}

type SetSummary = ReturnType<typeof summarise>;

async function benchSet(
  dir: string,
  options: FeedbackBenchOptions,
  tmp: string,
): Promise<{ result: Record<string, unknown>; set: BenchSet; base: string }> {
  const set = loadBenchSet(dir);
  const seeds = options.seeds ?? 3;
  const limit = options.limit ?? Infinity;
  const sampled =
    set.questions.length > limit
      ? shuffled(set.questions, seededRandom(1000)).slice(0, limit)
      : [...set.questions];
  process.stderr.write(
    `feedback: ${set.name}: ${sampled.length} of ${set.questions.length} questions taking part (${set.total} in the set)\n`,
  );
  const index = await baseLibrary(set, options.fresh ?? false);
  // The untrained ranking is the same for every seed: asked once.
  const before = new Map<BenchQuestion, number>();
  const { lib, file } = await openCopy(index.file, tmp, `${set.name}-untrained`);
  let ms = 0;
  try {
    const folders = await folderMap(lib);
    for (const q of sampled) {
      const t = performance.now();
      before.set(q, (await askScored(lib, folders, q, false)).rank);
      ms += performance.now() - t;
    }
  } finally {
    await dropCopy(lib, file);
  }
  const variants: Variant[] =
    options.only === 'clean' ? ['clean'] : options.only === 'hostile' ? ['hostile'] : ['clean', 'hostile'];
  const runs: Record<Variant, SeedRun[]> = { clean: [], hostile: [] };
  for (let seed = 1; seed <= seeds; seed++) {
    const order = shuffled(sampled, seededRandom(seed));
    const half = Math.floor(order.length / 2);
    const use = order.slice(0, half);
    const test = order.slice(half);
    for (const variant of variants) {
      const started = performance.now();
      runs[variant].push(await runSeed(set, index.file, tmp, before, use, test, variant, seed));
      process.stderr.write(
        `feedback: ${set.name} seed ${seed} ${variant}: ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
      );
    }
  }
  const result: Record<string, unknown> = {
    questions: {
      in_set: set.total,
      taking_part: set.questions.length,
      sampled: sampled.length,
      use: Math.floor(sampled.length / 2),
      test: sampled.length - Math.floor(sampled.length / 2),
    },
    index: {
      file: path.relative(ROOT, index.file),
      reused: index.reused,
      chunks: index.chunks,
      seconds: +index.seconds.toFixed(1),
    },
    untrained_ms_per_question: +(ms / Math.max(sampled.length, 1)).toFixed(1),
  };
  for (const v of variants) result[v] = summarise(runs[v]);
  return { result, set, base: index.file };
}

// ---- learning time from exactly 100 signals

async function learnFrom100(set: BenchSet, base: string, tmp: string): Promise<Record<string, unknown>> {
  const { lib, file } = await openCopy(base, tmp, `${set.name}-learn100`);
  let used: UseOutcome;
  let asked = 0;
  try {
    const folders = await folderMap(lib);
    const questions = shuffled(set.questions, seededRandom(100));
    used = await simulateUse(lib, folders, questions, 'clean', seededRandom(101), LEARN_SIGNALS);
    asked = (await lib.learningState()).signals;
  } finally {
    await lib.close();
  }
  // Reopened: nothing cached in the process (question vectors of logged questions are embedded again).
  const reopened = await Library.open({ dbPath: file });
  try {
    await reopened.learningState(); // opens the pack: not part of learning
    const started = performance.now();
    const report = await reopened.learnNow();
    const seconds = (performance.now() - started) / 1000;
    return {
      set: set.name,
      signals: asked,
      questions_marked: used.signals.good,
      seconds: +seconds.toFixed(2),
      learner_ms: report ? Math.round(report.ms) : null,
      outcome: report?.outcome ?? 'no dense side',
      report,
      cpus: os.cpus().length,
      target_seconds: 10,
    };
  } finally {
    await dropCopy(reopened, file);
  }
}

// ---- latency at 100k passages, untrained vs learned, paired

function latencyOf(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50_ms: r(at(50)), p95_ms: r(at(95)), mean_ms: r(s.reduce((a, b) => a + b, 0) / s.length) };
}

/**
 * A synthetic library (bench/engine.ts's generator), questions made from passage text. The
 * simulated user always picks the shown passage the dense channel scores highest (a consistent
 * choice a model can learn); then the same new questions are asked alternately of the untrained
 * copy and the learned one.
 */
async function benchLatency(size: string, tmp: string): Promise<Record<string, unknown>> {
  const sizes: Record<string, number> = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };
  const n = sizes[size];
  if (!n) throw new Error(`unknown size ${size} (use ${Object.keys(sizes).join(', ')})`);
  const pack = await openPack(builtinPackDir(), { provider: 'cpu' });
  const untrainedFile = path.join(tmp, `latency-${size}.sqlite`);
  const started = performance.now();
  let queries: { text: string }[];
  try {
    ({ queries } = buildSyntheticLibrary(untrainedFile, n, pack.dim, pack));
  } finally {
    await pack.close();
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const signalQuestions = queries.slice(0, 150);
  const timed = queries.slice(150);
  const trained = await openCopy(untrainedFile, tmp, `latency-${size}-trained`);
  const untrained = await Library.open({ dbPath: untrainedFile });
  try {
    let signals = 0;
    for (const q of signalQuestions) {
      const a = await trained.lib.ask(q.text, { k: SHOWN, log: true });
      const shown = a.results.slice(0, SHOWN);
      if (!shown.length || a.answerId === undefined) continue;
      let best = 0;
      shown.forEach((r, i) => {
        if ((r.channels.dense ?? 0) > (shown[best].channels.dense ?? 0)) best = i;
      });
      await trained.lib.feedback(a.answerId, best + 1, 'good');
      for (let r = 1; r <= best; r++) await trained.lib.feedback(a.answerId, r, 'bad');
      signals += best + 1;
    }
    const report = await trained.lib.learnNow();
    const state = await trained.lib.learningState();
    // Warm both, then alternate which goes first so that other load on the machine falls on both alike.
    await untrained.ask(timed[0].text, { k: SHOWN });
    await trained.lib.ask(timed[0].text, { k: SHOWN });
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < timed.length; i++) {
      const q = timed[i].text;
      const one = async (lib: Library, into: number[]) => {
        const t = performance.now();
        await lib.ask(q, { k: SHOWN });
        into.push(performance.now() - t);
      };
      if (i % 2) {
        await one(untrained, a);
        await one(trained.lib, b);
      } else {
        await one(trained.lib, b);
        await one(untrained, a);
      }
    }
    const before = latencyOf(a);
    const after = latencyOf(b);
    // Per question, learned minus untrained: steadier than the difference of two p95s.
    const diffs = a.map((x, i) => b[i] - x).sort((x, y) => x - y);
    const at = (p: number) => +diffs[Math.min(diffs.length - 1, Math.floor(p * diffs.length))].toFixed(2);
    return {
      chunks: n,
      build_seconds: +buildSeconds.toFixed(1),
      signals,
      signal_questions: signalQuestions.length,
      learning_outcome: report?.outcome ?? 'no dense side',
      learned_model_active: state.model !== null,
      chosen: report?.chosen ?? null,
      note:
        state.model !== null
          ? 'learned model active (adapter/fusion weight/memory as chosen) vs untrained'
          : 'no model activated: the trained side differs only by its signals (memory lookups)',
      timed_questions: timed.length,
      untrained: before,
      learned: after,
      added_p50_ms: +(after.p50_ms - before.p50_ms).toFixed(2),
      added_p95_ms: +(after.p95_ms - before.p95_ms).toFixed(2),
      paired_added_ms: { p5: at(0.05), p50: at(0.5), p95: at(0.95) },
      target_added_p95_ms: 1,
    };
  } finally {
    await untrained.close();
    await dropCopy(trained.lib, trained.file);
    rmSync(untrainedFile, { force: true });
  }
}

// ---- the issue's targets, checked on the means over seeds

type Check = { pass: boolean; detail: string };

function targets(out: Record<string, unknown>): Record<string, Check> {
  const sets = Object.entries((out.sets ?? {}) as Record<string, Record<string, unknown>>).filter(
    ([, r]) => typeof r.error !== 'string',
  );
  const of = (v: Variant) => sets.flatMap(([name, r]) => (r[v] ? [[name, r[v] as SetSummary] as const] : []));
  const gain = (g: SetSummary['test']) => g.hit1_after.mean - g.hit1_before.mean;
  const points = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  const list = (rows: (readonly [string, SetSummary])[], pick: (s: SetSummary) => number) =>
    rows.map(([n, s]) => `${n} ${points(pick(s))}`).join(', ');
  const checks: Record<string, Check> = {};
  const clean = of('clean');
  if (clean.length) {
    const gains = clean.map(([, s]) => gain(s.test));
    checks.test_hit1_gain_3_points_on_two_sets_lower_on_none = {
      pass: gains.filter((g) => g >= 0.03).length >= 2 && gains.every((g) => g >= 0),
      detail: list(clean, (s) => gain(s.test)),
    };
    checks.generalising_group_not_worse = {
      pass: clean.every(([, s]) => gain(s.test_generalising) >= 0),
      detail: list(clean, (s) => gain(s.test_generalising)),
    };
    checks.use_again_hit1_at_least_95 = {
      pass: clean.every(([, s]) => s.use_again_gold_shown.hit1_after.mean >= 0.95),
      detail: clean
        .map(([n, s]) => `${n} ${(s.use_again_gold_shown.hit1_after.mean * 100).toFixed(1)}`)
        .join(', '),
    };
  }
  const hostile = of('hostile');
  if (hostile.length)
    checks.hostile_test_not_below_untrained = {
      pass: hostile.every(([, s]) => gain(s.test) >= 0),
      detail: list(hostile, (s) => gain(s.test)),
    };
  const l100 = out.learn_100_signals as { seconds?: number; signals?: number } | undefined;
  if (l100?.seconds !== undefined)
    checks.learning_from_100_signals_within_10_s = {
      pass: l100.seconds <= 10 && l100.signals === LEARN_SIGNALS,
      detail: `${l100.seconds} s from ${String(l100.signals)} signals`,
    };
  const lat = out.latency as { added_p95_ms?: number; chunks?: number } | undefined;
  if (lat?.added_p95_ms !== undefined)
    checks.latency_p95_within_1_ms = {
      pass: lat.added_p95_ms <= 1,
      detail: `${lat.added_p95_ms >= 0 ? '+' : ''}${lat.added_p95_ms} ms at ${String(lat.chunks)} passages`,
    };
  return checks;
}

// ---- the table

const pct = (s: Spread) => `${(s.mean * 100).toFixed(1)}${s.sd ? `±${(s.sd * 100).toFixed(1)}` : ''}`;

function table(result: Record<string, unknown>): string {
  if (typeof result.skipped === 'string') return `${result.skipped}\n`;
  const sets = (result.sets ?? {}) as Record<string, Record<string, unknown>>;
  const head = [
    'set',
    'user',
    'test h@1 before→after',
    'h@10 before→after',
    'popular n: h@1',
    'generalising n: h@1',
    'use again (gold shown) n: h@1',
    'learning',
  ];
  const rows: string[][] = [head];
  const arrow = (g: SetSummary['test'], k: 'hit1' | 'hit10') =>
    `${pct(g[`${k}_before`])} → ${pct(g[`${k}_after`])}`;
  for (const [name, r] of Object.entries(sets)) {
    if (typeof r.error === 'string') {
      rows.push([name, 'error', r.error]);
      continue;
    }
    for (const v of ['clean', 'hostile'] as const) {
      const s = r[v] as SetSummary | undefined;
      if (!s) continue;
      rows.push([
        name,
        v,
        arrow(s.test, 'hit1'),
        arrow(s.test, 'hit10'),
        `${Math.round(s.test_popular.questions)}: ${arrow(s.test_popular, 'hit1')}`,
        `${Math.round(s.test_generalising.questions)}: ${arrow(s.test_generalising, 'hit1')}`,
        `${Math.round(s.use_again_gold_shown.questions)}: ${arrow(s.use_again_gold_shown, 'hit1')}`,
        `${[...new Set(s.learning.outcomes)].join('/')} ${s.learning.seconds.mean.toFixed(1)} s`,
      ]);
    }
  }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const out = [`figures in %, mean±sd over seeds (n: questions, mean over seeds); ${RULE}`, ...lines];
  const l100 = result.learn_100_signals as Record<string, unknown> | undefined;
  if (l100 && typeof l100.seconds === 'number')
    out.push(
      `learnNow() from ${String(l100.signals)} signals (${String(l100.set)}, reopened library): ${l100.seconds} s, outcome ${String(l100.outcome)}`,
    );
  const lat = result.latency as Record<string, unknown> | undefined;
  if (lat && typeof lat.chunks === 'number') {
    const u = lat.untrained as { p50_ms: number; p95_ms: number };
    const l = lat.learned as { p50_ms: number; p95_ms: number };
    out.push(
      `latency at ${lat.chunks} passages (paired, ${String(lat.timed_questions)} questions): untrained p50 ${u.p50_ms} / p95 ${u.p95_ms} ms, learned p50 ${l.p50_ms} / p95 ${l.p95_ms} ms; per question learned − untrained median ${(lat.paired_added_ms as { p50: number }).p50} ms (${String(lat.note)})`,
    );
  }
  for (const [name, c] of Object.entries((result.targets ?? {}) as Record<string, Check>))
    out.push(`${c.pass ? 'met    ' : 'NOT met'}  ${name}: ${c.detail}`);
  return out.join('\n') + '\n';
}

export const formatTable = (result: unknown): string => table(result as Record<string, unknown>);

// ---- the suite

export async function run(options: FeedbackBenchOptions = {}): Promise<Record<string, unknown>> {
  const evalDir = findEvalDir();
  if (!evalDir) {
    const skipped = 'skipped: no evaluation sets (../shared/eval beside the checkout, or set DOCQA_EVAL_DIR)';
    process.stderr.write(`feedback: ${skipped}\n`);
    return { skipped };
  }
  const quick = options.quick ?? false;
  const opts: FeedbackBenchOptions = {
    ...options,
    seeds: options.seeds ?? (quick ? 1 : 3),
    limit: options.limit ?? (quick ? 100 : undefined),
  };
  const names = opts.sets?.length ? opts.sets : DEFAULT_SETS;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-bench-feedback-'));
  const sets: Record<string, unknown> = {};
  const out: Record<string, unknown> = {
    eval_dir: evalDir,
    rule: RULE,
    seeds: opts.seeds,
    limit: opts.limit ?? null,
    shown: SHOWN,
    hostile_share: 1 / HOSTILE_BLOCK,
    sets,
  };
  try {
    const done: { set: BenchSet; base: string }[] = [];
    for (const name of names) {
      const dir = path.join(evalDir, name);
      if (!existsSync(dir)) {
        sets[name] = { error: `no set ${name} in ${evalDir}` };
        continue;
      }
      try {
        const finished = await benchSet(dir, opts, tmp);
        sets[name] = finished.result;
        done.push(finished);
      } catch (e) {
        sets[name] = { error: (e as Error).message };
      }
    }
    // From the first set whose questions give 100 signals (manuals-dev alone gives fewer).
    for (const { set, base } of done) {
      out.learn_100_signals = await learnFrom100(set, base, tmp);
      if ((out.learn_100_signals as { signals: number }).signals >= LEARN_SIGNALS) break;
    }
    if (opts.latency) out.latency = await benchLatency(opts.sizes?.[0] ?? '100k', tmp);
    out.targets = targets(out);
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
