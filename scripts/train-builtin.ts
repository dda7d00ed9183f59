/**
 * `npm run train:builtin`: trains the built-in pack resources/models/docqa-zh-en-hashed/
 * from ../shared/train, reproducibly (fixed design and seed).
 *
 *   tsx scripts/train-builtin.ts [--train-dir DIR] [--out DIR] [--design NAME]
 *                                [--compare NAME,NAME…] [--keep-dir DIR] [--eval-dir DIR]
 *
 * --compare trains the listed designs on the same held-out split and records
 * their recall in designs.json (the README's design table); without it the table
 * is kept from the previous designs.json (the shipped design's row is renewed).
 * --keep-dir keeps each compared design's pack there (for dev-set evaluation).
 * --eval-dir scores the pack on the dev sets (pooled, bm25/dense/hybrid) with
 * the engine's `docqa eval` code; with --adapt it also adapts the pack to the
 * dev documents the way `docqa train --from-docs` does for a user (documents
 * only, no questions) and scores that too. Results go to dev-eval.json and the
 * README, and are kept while the pack's answer tower stays the same.
 * --skip-training re-measures / re-renders the pack already in --out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BUILTIN_PACK_NAME } from '../main/engine/towers/builtinPack.js';
import { ENGLISH_WORDS_COPYRIGHT_FILE, ENGLISH_WORDS_FILE } from '../main/engine/search/englishWords.js';
import { WORD_VECTORS_FILE } from '../main/engine/rank/wordVectors.js';
import { findDesign, type Design } from '../main/engine/train/designs.js';
import { fmt, runTrainJob, type TrainSummary } from '../main/engine/train/job.js';
import { loadPairs } from '../main/engine/train/pairs.js';
import { TOWER_HELDOUT_FRACTION } from './builtinTrainingSplit.js';
import { formatProgress } from '../main/engine/train/progress.js';

/** The shipped design; see the pack README for why. */
const SHIPPED_DESIGN = 'tied-idf';
const SEED = 1;
const HELDOUT_FRAC = TOWER_HELDOUT_FRACTION;
const MAX_PACK_BYTES = 40 * 1024 * 1024;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    'train-dir': {
      type: 'string',
      default: process.env.DOCQA_TRAIN_DIR ?? path.resolve(repo, '../shared/train'),
    },
    out: { type: 'string', default: path.join(repo, 'resources/models', BUILTIN_PACK_NAME) },
    design: { type: 'string', default: SHIPPED_DESIGN },
    compare: { type: 'string' },
    'keep-dir': { type: 'string' },
    'eval-dir': { type: 'string' },
    adapt: { type: 'boolean', default: false },
    'skip-training': { type: 'boolean', default: false },
  },
});
const trainDir = path.resolve(values['train-dir']!);
const out = path.resolve(values.out!);
// The English word list (scripts/build-word-list.ts, from Debian's SCOWL packages, not an npm
// dependency) is no product of training: kept from the pack being replaced, and recorded again.
const keptWordList = [ENGLISH_WORDS_FILE, ENGLISH_WORDS_COPYRIGHT_FILE].map((name) => {
  const file = path.join(out, name);
  return { name, bytes: existsSync(file) ? readFileSync(file) : null };
});
// The same for the English word vectors (scripts/build-word-vectors.ts, from GloVe).
const keptWordVectors = existsSync(path.join(out, WORD_VECTORS_FILE))
  ? readFileSync(path.join(out, WORD_VECTORS_FILE))
  : null;

function designOrDie(name: string): Design {
  const d = findDesign(name);
  if (!d) throw new Error(`unknown design ${name}`);
  d.train.seed = SEED;
  return d;
}

const sources = readTrainingSources(trainDir);
for (const s of sources.filter((x) => !x.shippable))
  console.log(`left out ${s.file}: ${s.license} does not allow shipping a model trained on it`);
const shipped = sources.filter((s) => s.shippable);
const pairs = loadPairs(shipped.map((s) => path.join(trainDir, s.file)));
console.log(`${pairs.length} pairs from ${shipped.map((s) => s.file).join(', ')}`);

async function trainDesign(design: Design, dir: string): Promise<TrainSummary> {
  let last = 0;
  return runTrainJob({
    pairs,
    out: dir,
    design,
    heldoutFrac: HELDOUT_FRAC,
    name: BUILTIN_PACK_NAME,
    version: `1.0.0-${design.name}`,
    license: 'CC BY-SA 4.0 (the weights are derived from CC BY-SA training data; see attribution)',
    attribution: shipped.map(attributionLine),
    trainingData: shipped.map((s) => `${s.file}: ${s.pairs} pairs (${s.lang}), ${s.license}`),
    log: (line) => console.log(`[${design.name}] ${line}`),
    onProgress: (p) => {
      if (Date.now() - last < 15_000 && p.step !== p.stepsPerEpoch) return;
      last = Date.now();
      console.log(`[${design.name}] ${formatProgress(p)}`);
    },
    onEpoch: (e) =>
      console.log(
        `[${design.name}] epoch ${e.epoch}: loss ${e.loss.toFixed(4)}${e.heldout ? ` held-out ${fmt(e.heldout)}` : ''} (${e.seconds.toFixed(0)}s)`,
      ),
  });
}

function attributionLine(s: TrainingSource): string {
  return `${s.file}: ${s.title} — ${s.source}; licence ${s.license}`;
}

interface DesignRow {
  design: string;
  summary: string;
  model: TrainSummary['heldout'];
  bestEpoch: number;
  pairsPerSec: number;
  seconds: number;
  packBytes: number;
}

function rowOf(design: Design, s: TrainSummary): DesignRow {
  const bytes = Object.values(s.pack.files).reduce((n, f) => n + f.bytes, 0);
  return {
    design: design.name,
    summary: design.summary,
    model: s.heldout,
    bestEpoch: s.bestEpoch,
    pairsPerSec: Math.round(s.pairsPerSec),
    seconds: Math.round(s.seconds),
    packBytes: bytes,
  };
}

const designsFile = path.join(out, 'designs.json');
let rows: DesignRow[] = existsSync(designsFile)
  ? (JSON.parse(readFileSync(designsFile, 'utf8')) as DesignRow[])
  : [];
const design = designOrDie(values.design!);
let summary: TrainSummary | null = null;
if (values.compare) {
  rows = [];
  for (const name of values.compare.split(',')) {
    const d = designOrDie(name.trim());
    const keep = values['keep-dir'] ? path.join(path.resolve(values['keep-dir']), d.name) : null;
    const dir = d.name === design.name ? out : (keep ?? `${out}.compare-${d.name}`);
    const s = await trainDesign(d, dir);
    rows.push(rowOf(d, s));
    if (d.name === design.name) summary = s;
    else if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
summary ??= values['skip-training'] ? await summaryOfExistingPack(out) : await trainDesign(design, out);
const row = rowOf(design, summary);
rows = rows.some((r) => r.design === design.name)
  ? rows.map((r) => (r.design === design.name ? row : r))
  : [...rows, row];
if (row.packBytes > MAX_PACK_BYTES) throw new Error(`pack is ${row.packBytes} bytes, over the 40 MB budget`);

interface DevEval {
  /** The answer tower the results belong to: stale results are not shown for a new pack. */
  answerTower: string;
  builtin: EvalRow[];
  adapted: { pairs: number; seconds: number; results: EvalRow[] } | null;
}
type EvalRow = { set: string; mode: string } & Record<string, number | string>;

const devEvalFile = path.join(out, 'dev-eval.json');
let devEval: DevEval | null = existsSync(devEvalFile)
  ? (JSON.parse(readFileSync(devEvalFile, 'utf8')) as DevEval)
  : null;
if (values['eval-dir']) {
  const { runEval } = await import('../main/engine/eval/runEval.js');
  const evalDir = path.resolve(values['eval-dir']);
  const setDirs = readdirSync(evalDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(evalDir, d.name))
    .sort();
  const score = async (packDir: string): Promise<EvalRow[]> =>
    (await runEval({
      setDirs,
      pool: true,
      modes: ['bm25', 'dense', 'hybrid'],
      k: 10,
      packDir,
    })) as unknown as EvalRow[];
  devEval = { answerTower: summary.pack.answerTower.hash, builtin: await score(out), adapted: null };
  console.log(JSON.stringify(devEval.builtin));
  if (values.adapt) {
    const { mineFolders } = await import('../main/engine/train/mine.js');
    const { readPackModel } = await import('../main/engine/train/initFrom.js');
    const mined = await mineFolders(
      setDirs.map((d) => path.join(d, 'docs')),
      SEED,
    );
    const adaptedDir = `${out}.adapted`;
    const init = await readPackModel(out);
    const adapt = designOrDie(design.name);
    adapt.table = init.table;
    const s = await runTrainJob({
      pairs: mined.pairs,
      out: adaptedDir,
      design: adapt,
      init: { ...init, from: out },
      heldoutFrac: HELDOUT_FRAC,
      name: `${BUILTIN_PACK_NAME}-adapted`,
      version: 'dev',
      license: 'as the built-in pack',
      attribution: [],
      trainingData: [`self-supervised pairs from the dev documents: ${mined.pairs.length}`],
      log: (line) => console.log(`[adapt] ${line}`),
    });
    devEval.adapted = {
      pairs: mined.pairs.length,
      seconds: Math.round(s.seconds),
      results: await score(adaptedDir),
    };
    rmSync(adaptedDir, { recursive: true, force: true });
    console.log(JSON.stringify(devEval.adapted));
  }
  writeFileSync(devEvalFile, `${JSON.stringify(devEval, null, 2)}\n`);
}
if (devEval && devEval.answerTower !== summary.pack.answerTower.hash) {
  rmSync(devEvalFile, { force: true });
  devEval = null;
}

writeFileSync(designsFile, `${JSON.stringify(rows, null, 2)}\n`);
writeFileSync(
  path.join(out, 'README.md'),
  renderPackReadme({ summary, design, rows, sources, devEval, seed: SEED, heldoutFrac: HELDOUT_FRAC }),
);
/** Runs one of the scripts that add a file to the pack and record it in its manifest and README. */
function runPackScript(script: string): void {
  const run = spawnSync(
    process.execPath,
    [
      fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url)),
      fileURLToPath(new URL(`./${script}`, import.meta.url)),
      '--pack',
      out,
    ],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) throw new Error(`scripts/${script} failed`);
}
// The bilingual lexicon (CC-CEDICT) ships in the same folder; training rewrote the
// manifest and README, so it is built again and recorded in both (deterministic, ~5 s).
runPackScript('build-lexicon.ts');
// So is the English word list, when the pack replaced had one.
if (keptWordList.every((f) => f.bytes)) {
  for (const f of keptWordList) writeFileSync(path.join(out, f.name), f.bytes!);
  runPackScript('build-word-list.ts');
}
if (keptWordVectors) {
  writeFileSync(path.join(out, WORD_VECTORS_FILE), keptWordVectors);
  runPackScript('build-word-vectors.ts');
}
console.log(
  `pack ${out}: ${(row.packBytes / 1024 / 1024).toFixed(1)} MiB, held-out ${summary.heldout ? `model ${fmt(summary.heldout.model)} vs BM25 ${fmt(summary.heldout.bm25)}` : ''}`,
);

interface TrainingSource {
  file: string;
  lang: string;
  pairs: number;
  license: string;
  title: string;
  source: string;
  shippable: boolean;
}

/**
 * The licence table and per-file source notes of ../shared/train/README.md.
 * Licences that forbid redistribution or commercial use of derived models
 * (NC, ND, unknown) leave their file out.
 */
function readTrainingSources(dir: string): TrainingSource[] {
  const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
  const out: TrainingSource[] = [];
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 8 || !cells[1]!.endsWith('.jsonl')) continue;
    const [, file, lang, pairs, , , license] = cells as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const section = readme.split(`### ${file}`)[1]?.split('\n### ')[0] ?? '';
    const title = section.trim().split('\n')[0]?.trim() ?? file;
    const source = /- source: (.+)/.exec(section)?.[1]?.trim() ?? 'unknown source';
    const shippable =
      /^(CC BY-SA|CC BY |CC BY$|Apache-2\.0|MIT)/.test(license) && !/\b(NC|ND)\b/.test(license);
    out.push({ file, lang, pairs: Number(pairs), license, title, source, shippable });
  }
  if (out.length === 0) throw new Error(`no training files listed in ${path.join(dir, 'README.md')}`);
  return out;
}

interface ReadmeInput {
  summary: TrainSummary;
  design: Design;
  rows: DesignRow[];
  sources: TrainingSource[];
  devEval: DevEval | null;
  seed: number;
  heldoutFrac: number;
}

function f3(x: number | undefined): string {
  return x === undefined ? '–' : x.toFixed(3);
}

/**
 * The pack README's note on int8 arithmetic (see main/engine/towers/onnx/hashedTower.ts).
 * A function, not a const: the README is rendered by top-level code above this line.
 */
function int8Arithmetic(): string {
  return [
    'The table is stored as int8 with one float32 scale per row and summed in float32 (`"int8Compute": "dequantize"` in',
    '`manifest.json`), so a library indexed on one machine matches questions embedded on any other. A hashed pack may',
    'instead declare `"integer"` (MatMulInteger, about twice as fast): its per-text weights are then quantised to 7 bits',
    "(0…127), because ORT's u8×s8 kernel on x86 CPUs without VNNI adds two products in a saturating 16-bit lane and 8-bit",
    'weights overflowed it (vectors off by up to 0.07 on an AVX2-only EPYC); with 7 bits every CPU computes the same exact',
    'integer sums. A pack whose `integer` graph still uses 8-bit weights (written by an older DocQA) is refused when opened,',
    'with a message; `readHashedPack` (`docqa train --init-from`) still reads its weights to write it again.',
  ].join(' ');
}

function renderPackReadme(r: ReadmeInput): string {
  const h = r.summary.heldout;
  const lines: string[] = [];
  lines.push(`# ${BUILTIN_PACK_NAME}`, '');
  lines.push(
    `The built-in question/answer towers of DocQA: hashed n-gram features → one embedding table shared by both towers (design \`${r.design.name}\`: ${r.design.summary}), ${r.summary.pack.dim} dimensions, L2-normalised. Made by \`npm run train:builtin\` (scripts/train-builtin.ts) from \`../shared/train\` with seed ${r.seed}; ${r.summary.trainPairs} training pairs, ${r.heldoutFrac * 100}% of the passages held out.`,
    '',
  );
  lines.push('## Where it stands', '');
  if (h) {
    lines.push(
      `On the held-out split (${h.questions} questions over ${h.passages} passages never seen in training) the towers alone reach recall@1 ${f3(h.model['recall@1'])} / recall@10 ${f3(h.model['recall@10'])}; BM25 on the same split reaches ${f3(h.bm25['recall@1'])} / ${f3(h.bm25['recall@10'])}. Fused with BM25 by score (BM25 / top BM25 + ${h.hybrid.weight} × cosine) they reach ${f3(h.hybrid['recall@1'])} / ${f3(h.hybrid['recall@10'])}. **The dense towers alone are well below BM25**; their value is as a second channel beside it.`,
      '',
    );
  }
  if (r.devEval) {
    const { builtin, adapted } = r.devEval;
    const delta = (rows: EvalRow[], set: string): string => {
      const at = (mode: string) =>
        rows.find((x) => x.set === set && x.mode === mode)?.['hit@1'] as number | undefined;
      const [h, b] = [at('hybrid'), at('bm25')];
      return h === undefined || b === undefined
        ? '?'
        : `${h >= b ? '+' : '−'}${(Math.abs(h - b) * 100).toFixed(1)}`;
    };
    const sets = [...new Set(builtin.map((e) => e.set))];
    lines.push(
      `On the pooled dev sets (table below) the engine's hybrid mode with this pack changes BM25's hit@1 by ${sets.map((set) => `${delta(builtin, set)} (${set})`).join(', ')} points` +
        (adapted
          ? `; after adapting the pack to the library with \`docqa train --from-docs\` (documents only), by ${sets.map((set) => `${delta(adapted.results, set)} (${set})`).join(', ')}. Adapting lifts the towers' own hit@1 far more than the fused score; the engine's fusion weight was chosen on these sets with the unadapted pack, and an adapted pack may deserve a larger one.`
          : '.'),
      '',
    );
  }
  lines.push('## Int8 arithmetic (the same vectors on every CPU)', '', int8Arithmetic(), '');
  lines.push('## Designs compared (same held-out split, same seed)', '');
  lines.push(
    '| design | what | recall@1 | recall@10 | BM25 recall@1 | BM25 recall@10 | fused recall@1 | fused recall@10 | best epoch | pairs/s | pack MiB |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of r.rows) {
    const m = row.model;
    lines.push(
      `| ${row.design}${row.design === r.design.name ? ' (shipped)' : ''} | ${row.summary} | ${f3(m?.model['recall@1'])} | ${f3(m?.model['recall@10'])} | ${f3(m?.bm25['recall@1'])} | ${f3(m?.bm25['recall@10'])} | ${f3(m?.hybrid['recall@1'])} | ${f3(m?.hybrid['recall@10'])} | ${row.bestEpoch} | ${row.pairsPerSec} | ${(row.packBytes / 1024 / 1024).toFixed(1)} |`,
    );
  }
  lines.push(
    '',
    'pairs/s: training speed on the shared 2-core build machine (other jobs running beside it).',
    '',
  );
  if (r.devEval) {
    const { builtin, adapted } = r.devEval;
    lines.push('## Dev sets (`docqa eval ../shared/eval/*/ --pool`: one library of all four sets)', '');
    lines.push(
      "hit@1 / hit@5 of the engine's three modes with this pack" +
        (adapted
          ? `, and after adapting the pack to the library with \`docqa train --from-docs\` (self-supervised pairs mined from the dev *documents* only, no questions: ${adapted.pairs} pairs, ${adapted.seconds}s of training).`
          : '.'),
      '',
    );
    const cell = (rows: EvalRow[], set: string, mode: string): string => {
      const e = rows.find((x) => x.set === set && x.mode === mode);
      return e ? `${f3(e['hit@1'] as number)} / ${f3(e['hit@5'] as number)}` : '–';
    };
    const header = [
      'set',
      'BM25',
      'dense',
      'hybrid',
      ...(adapted ? ['adapted dense', 'adapted hybrid'] : []),
    ];
    lines.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
    for (const set of [...new Set(builtin.map((e) => e.set))]) {
      const cells = [
        set,
        cell(builtin, set, 'bm25'),
        cell(builtin, set, 'dense'),
        cell(builtin, set, 'hybrid'),
      ];
      if (adapted) cells.push(cell(adapted.results, set, 'dense'), cell(adapted.results, set, 'hybrid'));
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('## Training data and licences', '');
  for (const s of r.sources) {
    lines.push(
      `- \`${s.file}\` (${s.lang}, ${s.pairs} pairs): ${s.title} Source: ${s.source}. Licence: ${s.license}.${s.shippable ? '' : ' **Left out**: its licence does not allow shipping a derived model.'}`,
    );
  }
  lines.push(
    '',
    'The weights are a derivative of CC BY-SA material (SQuAD v1.1: CC BY-SA 4.0; DRCD: CC BY-SA 3.0; Wikipedia passages of TyDi QA: CC BY-SA) and are therefore shared under CC BY-SA 4.0, with the attribution above. TyDi QA annotations are Apache-2.0; PubMedQA is MIT.',
    '',
  );
  return `${lines.join('\n')}\n`;
}

/** What the README needs from a training run, read back from a pack's manifest (--skip-training). */
async function summaryOfExistingPack(dir: string): Promise<TrainSummary> {
  const { openPack } = await import('../main/engine/towers/openPack.js');
  const pack = await openPack(dir, { workers: 1 });
  await pack.close();
  const m = pack.manifest as {
    files: TrainSummary['pack']['files'];
    metrics: { heldout: TrainSummary['heldout'] };
    training: {
      trainPairs: number;
      selfSupervisedPairs: number;
      bestEpoch: number;
      pairsPerSec: number;
      seconds: number;
      design: string;
    };
  };
  return {
    pack: {
      dir,
      name: pack.name,
      version: pack.version,
      dim: pack.dim,
      questionTower: pack.questionTower,
      answerTower: pack.answerTower,
      files: m.files,
    },
    design: m.training.design,
    trainPairs: m.training.trainPairs,
    selfSupervisedPairs: m.training.selfSupervisedPairs,
    heldout: m.metrics.heldout ? { ...m.metrics.heldout, untrained: null } : null,
    epochs: [],
    bestEpoch: m.training.bestEpoch,
    pairsPerSec: m.training.pairsPerSec,
    seconds: m.training.seconds,
  };
}
