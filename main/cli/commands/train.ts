import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import { formatProgress } from '../../engine/train/progress.js';
import type { TrainProgress } from '../../engine/train/trainer.js';
import type { TrainSummary } from '../../engine/train/job.js';
import { printable } from '../terminalText.js';

interface TrainCliOptions {
  pairs?: string[];
  fromDocs?: string[];
  out?: string;
  design?: string;
  epochs?: string;
  dim?: string;
  bucketsLog2?: string;
  batch?: string;
  lr?: string;
  seed?: string;
  hardNegatives?: boolean;
  initFrom?: string;
  heldoutFrac: string;
  table?: string;
  name?: string;
  json?: boolean;
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(
      'Train a hashed two-tower pack from question/passage pairs, or adapt one to your own documents',
    )
    .option('--pairs <files...>', 'JSON Lines files of {"question", "passage"} pairs')
    .option('--from-docs <dirs...>', 'mine self-supervised pairs from the documents in these folders')
    .option('--out <dir>', 'pack folder to write')
    .option('--design <name>', 'architecture and recipe (`--design list` shows them)')
    .option('--epochs <n>', 'maximum epochs (early stopping on held-out recall may stop sooner)')
    .option('--dim <n>', 'embedding dimension')
    .option('--buckets-log2 <n>', 'hash buckets = 2^n')
    .option('--batch <n>', 'pairs per batch (in-batch negatives)')
    .option('--lr <x>', 'learning rate of the embedding table')
    .option('--seed <n>', 'random seed (same inputs + seed = same pack)')
    .option('--hard-negatives', 'add one BM25-mined hard negative per pair')
    .option(
      '--init-from <pack>',
      'start from an existing hashed pack: a folder, "builtin" (the default with --from-docs) or "none"',
    )
    .option('--heldout-frac <f>', 'fraction of passages held out for early stopping and the report', '0.05')
    .option('--table <dtype>', 'table storage in the pack: int8, float16 or float32')
    .option('--name <name>', 'pack name (default: the --out folder name)')
    .option('--json', 'print one JSON summary on stdout')
    .action(runTrain);
}

async function runTrain(options: TrainCliOptions): Promise<void> {
  // Heavy modules load only when training runs, so `docqa ask` starts fast.
  const { designNames, findDesign, DEFAULT_DESIGN } = await import('../../engine/train/designs.js');
  if (options.design === 'list') {
    process.stdout.write(
      designNames()
        .map((n) => `${n.padEnd(20)} ${findDesign(n)!.summary}\n`)
        .join(''),
    );
    return;
  }
  if (!options.out) throw new UserError('--out PACK_DIR is required', '--out');
  const out = options.out;
  if (!options.pairs === !options.fromDocs)
    throw new UserError('give either --pairs FILE… or --from-docs DIR…', '--pairs');
  const design = findDesign(options.design ?? DEFAULT_DESIGN);
  if (!design)
    throw new UserError(
      `unknown --design "${options.design}" (one of: ${designNames().join(', ')})`,
      '--design',
    );

  const int = (n: number) => Number.isInteger(n);
  const t = design.train;
  t.epochs =
    numberOption(
      options.epochs,
      '--epochs',
      (n) => int(n) && n >= 1 && n <= 1000,
      'an integer from 1 to 1000',
    ) ?? t.epochs;
  t.batch =
    numberOption(
      options.batch,
      '--batch',
      (n) => int(n) && n >= 2 && n <= 4096,
      'an integer from 2 to 4096',
    ) ?? t.batch;
  t.lr = numberOption(options.lr, '--lr', (n) => n > 0 && n < 10, 'a number above 0 and below 10') ?? t.lr;
  t.seed =
    numberOption(
      options.seed,
      '--seed',
      (n) => int(n) && n >= 0 && n <= 0xffffffff,
      'an integer from 0 to 4294967295',
    ) ?? t.seed;
  design.dim =
    numberOption(options.dim, '--dim', (n) => int(n) && n >= 2 && n <= 4096, 'an integer from 2 to 4096') ??
    design.dim;
  const log2 = numberOption(
    options.bucketsLog2,
    '--buckets-log2',
    (n) => int(n) && n >= 8 && n <= 22,
    'an integer from 8 to 22',
  );
  if (log2 !== undefined) design.featurizer = { ...design.featurizer, log2Buckets: log2 };
  if (options.hardNegatives) design.hardNegatives = Math.max(1, design.hardNegatives);
  if (options.table !== undefined) {
    if (options.table !== 'int8' && options.table !== 'float16' && options.table !== 'float32') {
      throw new UserError(`--table must be int8, float16 or float32 (got "${options.table}")`, '--table');
    }
    design.table = options.table;
  }
  const heldoutFrac = numberOption(
    options.heldoutFrac,
    '--heldout-frac',
    (n) => n >= 0 && n < 1,
    'a number from 0 to below 1',
  )!;

  const log = (line: string) => {
    if (!options.json) process.stderr.write(`${printable(line)}\n`);
  };
  const { pairs, trainingData } = await loadTrainingPairs(options, t.seed, log);
  // Adapting the built-in towers to a library beats learning from its few mined pairs alone.
  const initFrom = options.initFrom ?? (options.fromDocs ? 'builtin' : 'none');
  const init = initFrom === 'none' ? null : await loadInitPack(initFrom);
  if (init) {
    for (const [value, flag] of [
      [options.dim, '--dim'],
      [options.bucketsLog2, '--buckets-log2'],
    ] as const) {
      if (value !== undefined)
        throw new UserError(
          `${flag} cannot change the pack training starts from (--init-from ${initFrom}; "--init-from none" trains from scratch)`,
          flag,
        );
    }
    if (options.table === undefined) design.table = init.table;
    const carried = !init.ranker
      ? ''
      : init.ranker.runsHere
        ? ' (its ranking stage is kept: the new pack ships it)'
        : ' (its ranking stage, made by a newer DocQA on features this version does not compute, is carried as it is: this version ranks with score fusion)';
    log(`starting from ${init.from}${carried}`);
  }
  const progress = progressPrinter(Boolean(options.json));
  const { runTrainJob } = await import('../../engine/train/job.js');
  const summary = await runTrainJob({
    pairs,
    out,
    design,
    init,
    heldoutFrac,
    name: options.name ?? path.basename(path.resolve(out)),
    version: new Date().toISOString().slice(0, 10),
    // A fine-tuned pack's weights derive from the pack it started from: its licence and credits carry over.
    license: init
      ? `${init.provenance.license}; fine-tuned from ${init.provenance.name} ${init.provenance.version}`
      : "set by whoever trained it: the training data's own terms apply (see trainingData)",
    attribution: init?.provenance.attribution ?? [],
    trainingData: [
      ...(init?.provenance.trainingData.map((d) => `${init.provenance.name}: ${d}`) ?? []),
      ...trainingData,
    ],
    onProgress: progress.update,
    onEpoch: (e) => {
      progress.clear();
      const h = e.heldout;
      log(
        `epoch ${e.epoch}: loss ${e.loss.toFixed(4)}${h ? ` · held-out recall@1 ${h['recall@1'].toFixed(3)} recall@10 ${h['recall@10'].toFixed(3)}` : ''} · ${e.seconds.toFixed(1)}s`,
      );
    },
    log,
  });
  progress.clear();
  if (options.json) process.stdout.write(`${JSON.stringify(jsonSummary(summary))}\n`);
  else process.stdout.write(printable(textSummary(summary), { multiline: true }));
}

async function loadTrainingPairs(
  options: TrainCliOptions,
  seed: number,
  log: (line: string) => void,
): Promise<{ pairs: import('../../engine/train/pairs.js').Pair[]; trainingData: string[] }> {
  if (options.pairs) {
    const { loadPairs } = await import('../../engine/train/pairs.js');
    const pairs = loadPairs(options.pairs);
    const counts = new Map<string, number>();
    for (const p of pairs) counts.set(p.source, (counts.get(p.source) ?? 0) + 1);
    return { pairs, trainingData: [...counts].map(([file, n]) => `${file}: ${n} pairs`) };
  }
  const { mineFolders } = await import('../../engine/train/mine.js');
  const mined = await mineFolders(options.fromDocs!, seed);
  for (const s of mined.skipped) log(`skipped ${s.file}: ${s.reason}`);
  const sampled = mined.found > mined.pairs.length ? ` (a sample of the ${mined.found} found)` : '';
  log(`mined ${mined.pairs.length} self-supervised pairs from ${mined.files} documents${sampled}`);
  if (mined.pairs.length < 20) {
    throw new UserError(
      `only ${mined.pairs.length} pairs could be mined from ${options.fromDocs!.join(', ')}: add more documents`,
      '--from-docs',
    );
  }
  return {
    pairs: mined.pairs,
    trainingData: [
      `self-supervised pairs (heading → section, sentence → rest of chunk) mined from ${mined.files} local documents: ${mined.pairs.length} pairs`,
    ],
  };
}

async function loadInitPack(
  spec: string,
): Promise<import('../../engine/train/initFrom.js').PackModel & { from: string }> {
  const { readPackModel } = await import('../../engine/train/initFrom.js');
  const { builtinPackDir } = await import('../../engine/towers/builtinPack.js');
  const dir = spec === 'builtin' ? builtinPackDir() : spec;
  return { ...(await readPackModel(dir)), from: dir };
}

function progressPrinter(quiet: boolean): { update: (p: TrainProgress) => void; clear: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      if (quiet) return;
      if (tty) {
        const width = Math.max(10, Math.min(30, (process.stderr.columns ?? 100) - 90));
        process.stderr.write(`\r${formatProgress(p, width)}\x1b[K`);
        shown = true;
      } else if (Date.now() - last > 10_000 || p.step === p.stepsPerEpoch) {
        last = Date.now();
        process.stderr.write(`${formatProgress(p)}\n`);
      }
    },
    clear: () => {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

function pct(x: number): string {
  return x.toFixed(3);
}

function textSummary(s: TrainSummary): string {
  const lines: string[] = [];
  const h = s.heldout;
  if (h) {
    lines.push(`held-out split: ${h.questions} questions over ${h.passages} passages unseen in training`);
    lines.push(`  ${'channel'.padEnd(28)} recall@1  recall@10`);
    const row = (label: string, m: { 'recall@1': number; 'recall@10': number }) =>
      lines.push(
        `  ${label.padEnd(28)} ${pct(m['recall@1']).padStart(8)}  ${pct(m['recall@10']).padStart(9)}`,
      );
    row(`model (${s.design})`, h.model);
    row('BM25 (same split)', h.bm25);
    row(`BM25 + ${h.hybrid.weight}×cosine (fused)`, h.hybrid);
    if (h.untrained) row('model before training', h.untrained);
  } else {
    lines.push('no held-out split (--heldout-frac 0): no recall to report');
  }
  lines.push(
    `trained ${s.trainPairs} pairs, best epoch ${s.bestEpoch}/${s.epochs.length}, ${Math.round(s.pairsPerSec)} pairs/s, ${Math.round(s.seconds)}s`,
  );
  lines.push(`pack written: ${s.pack.dir}`);
  return `${lines.join('\n')}\n`;
}

function jsonSummary(s: TrainSummary): Record<string, unknown> {
  return {
    pack: s.pack.dir,
    name: s.pack.name,
    version: s.pack.version,
    dim: s.pack.dim,
    questionTower: s.pack.questionTower,
    answerTower: s.pack.answerTower,
    design: s.design,
    trainPairs: s.trainPairs,
    selfSupervisedPairs: s.selfSupervisedPairs,
    heldout: s.heldout,
    epochs: s.epochs,
    bestEpoch: s.bestEpoch,
    pairsPerSec: s.pairsPerSec,
    seconds: s.seconds,
  };
}

/** Parse a numeric flag, or throw a one-line error naming it. */
function numberOption(
  value: string | undefined,
  flag: string,
  check: (n: number) => boolean,
  what: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new UserError(`${flag} must be ${what} (got "${value}")`, flag);
  return n;
}
