/**
 * Tower benchmarks: featurizer speed, answer-tower throughput
 * for ~1,000-character mixed zh/en chunks (featurize alone vs featurize + ONNX,
 * 1 and 2 workers), question latency p50/p95 through the worker path the
 * engine uses, pack load time (cold openPack → first embedding), and
 * float32 / float16 / int8 tables side by side.
 *
 *   npx tsx bench/towers.ts [--docs DIR] [--dim N] [--quick] [--built DIR]
 *
 * Uses the built-in pack when resources/models/docqa-zh-en-hashed exists,
 * else writes a pack of realistic size (2^18 buckets × 256, seeded random
 * weights: speed does not depend on the values). Text is generated (seeded,
 * Zipf-distributed words and Han characters) unless --docs names a folder of
 * .txt/.md files to cut into chunks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtinPackDir } from '../main/engine/towers/builtinPack.js';
import { DEFAULT_FEATURIZER_SPEC, featurize, type FeaturizerSpec } from '../main/engine/towers/featurize.js';
import { parseHashedManifest } from '../main/engine/towers/manifest.js';
import {
  quantizeTable,
  type HashedTowerParams,
  type TableStorage,
} from '../main/engine/towers/onnx/hashedTower.js';
import { openPack } from '../main/engine/towers/openPack.js';
import { writeHashedPack } from '../main/engine/towers/packWriter.js';
import { readHashedPack } from '../main/engine/towers/readHashedPack.js';
import { Rng } from '../main/engine/train/rng.js';
import type { TowerPack } from '../main/engine/towers/types.js';

export interface TowerBenchOptions {
  /** Folder of .txt/.md files to cut into ~1,000-character chunks instead of generated text. */
  docs?: string;
  /** Embedding width of the generated pack (default 256). */
  dim?: number;
  /** Fewer chunks and repetitions (a smoke run). */
  quick?: boolean;
  /** Root of a tsc build of the engine (default out/node) for the fresh-process load time. */
  built?: string;
  log?: (line: string) => void;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function seeded(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** Seeded text with a Zipf-like vocabulary: English words, Han characters, mixed sentences. */
function generatedChunks(count: number, size: number): string[] {
  const random = seeded(42);
  const zipf = (n: number): number => Math.min(n - 1, Math.floor(Math.exp(random() * Math.log(n + 1)) - 1));
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  const words = Array.from({ length: 20000 }, () => {
    const len = 2 + Math.floor(random() * random() * 10);
    let w = '';
    for (let i = 0; i < len; i++) w += letters[zipf(letters.length)];
    return w;
  });
  const han = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000)));
  const english = (): string => {
    const n = 8 + Math.floor(random() * 15);
    const s = Array.from({ length: n }, () => words[zipf(words.length)]).join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}. `;
  };
  const chinese = (): string =>
    `${Array.from({ length: 12 + Math.floor(random() * 25) }, () => han[zipf(han.length)]).join('')}。`;
  const chunks: string[] = [];
  for (let c = 0; c < count; c++) {
    const kind = c % 5; // 2 English, 2 Chinese, 1 mixed
    let text = '';
    while (text.length < size) {
      text += kind < 2 ? english() : kind < 4 ? chinese() : random() < 0.5 ? english() : chinese();
    }
    chunks.push(text.slice(0, size));
  }
  return chunks;
}

/**
 * ~`size`-character chunks of the .txt/.md files under `dir`: each top-level
 * subfolder's files are joined and cut, and the subfolders taken in turn, so
 * a folder holding one Chinese and one English set gives a half-and-half mix.
 */
function chunksFromDocs(dir: string, count: number, size: number): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(txt|md)$/i.test(f))
    .sort();
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const top = f.split(/[\\/]/)[0]!;
    if (!groups.has(top)) groups.set(top, []);
    groups.get(top)!.push(f);
  }
  const streams = [...groups.values()].map((names) => {
    const text = names.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
    return Array.from({ length: Math.floor(text.length / size) }, (_, i) =>
      text.slice(i * size, (i + 1) * size),
    );
  });
  // In turn, a shorter stream starting over, so every subfolder weighs the same.
  const nonEmpty = streams.filter((s) => s.length > 0);
  const chunks: string[] = [];
  for (let i = 0; nonEmpty.length > 0 && chunks.length < count; i++) {
    for (const s of nonEmpty) if (chunks.length < count) chunks.push(s[i % s.length]!);
  }
  if (chunks.length === 0) throw new Error(`no .txt/.md text of ${size}+ characters under ${dir}`);
  return chunks;
}

const QUESTIONS = [
  'What is the capital of France?',
  '谁发明了活字印刷术？',
  'how many chunks per second does the answer tower embed',
  '2019年的营业收入是多少',
  'When was the treaty signed and by whom?',
  '双塔模型 的 召回率 怎么 计算',
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

/**
 * Best-of-`reps` throughput of `fn` over `items` items, per second, and the
 * process CPU time per item (all threads, workers included) of that best
 * run: on a machine others are using, wall throughput understates what the
 * code does and CPU time per item is the steadier figure.
 */
async function throughput(
  items: number,
  reps: number,
  fn: () => Promise<unknown> | unknown,
): Promise<{ perSec: number; cpuUsPerItem: number }> {
  let best = Infinity;
  let cpu = 0;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await fn();
    const wall = performance.now() - t;
    const u = process.cpuUsage(c);
    if (wall < best) {
      best = wall;
      cpu = u.user + u.system;
    }
  }
  return { perSec: (items * 1000) / best, cpuUsPerItem: cpu / items };
}

const VARIANTS = {
  'int8-integer': { dtype: 'int8', int8Compute: 'integer' },
  int8: { dtype: 'int8', int8Compute: 'dequantize' },
  float16: { dtype: 'float16' },
  float32: { dtype: 'float32' },
} as const satisfies Record<string, { dtype: TableStorage['dtype']; int8Compute?: 'integer' | 'dequantize' }>;
type Variant = keyof typeof VARIANTS;

/** A pack with one seeded random table (values do not change speed), both towers sharing it. */
async function writeBenchPack(
  dir: string,
  variant: Variant,
  dim: number,
  spec: FeaturizerSpec,
): Promise<void> {
  const rows = 2 ** spec.log2Buckets;
  const random = seeded(7);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = (random() - 0.5) * 0.1;
  const v: { dtype: TableStorage['dtype']; int8Compute?: 'integer' | 'dequantize' } = VARIANTS[variant];
  const params = {
    rows,
    dimIn: dim,
    table: quantizeTable(data, dim, v.dtype),
    pooling: 'sqrtn' as const,
    int8Compute: v.int8Compute,
  };
  await writeHashedPack(dir, {
    name: `bench-${variant}`,
    version: '0',
    license: 'MIT',
    featurizer: spec,
    question: params,
    answer: params,
  });
}

function packBytes(dir: string): number {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    files: Record<string, { bytes: number }>;
  };
  return Object.values(manifest.files).reduce((s, f) => s + f.bytes, 0);
}

/**
 * Pack load as the CLI sees it: a fresh Node process on the tsc build
 * (out/node) opening the pack and embedding one question. Null without a build.
 */
function coldLoadInFreshProcess(
  dir: string,
  buildRoot: string,
): { importMs: number; openMs: number; firstQuestionMs: number } | null {
  const built = path.join(buildRoot, 'main', 'engine', 'towers', 'openPack.js');
  if (!existsSync(built)) return null;
  const script = path.join(os.tmpdir(), `docqa-cold-load-${process.pid}.mjs`);
  writeFileSync(
    script,
    `const t0 = performance.now();
const { openPack } = await import(${JSON.stringify(pathToFileURL(built).href)});
const t1 = performance.now();
const pack = await openPack(${JSON.stringify(dir)}, { provider: 'cpu' });
const t2 = performance.now();
await pack.embedQuestions(['warm up the question path']);
const t3 = performance.now();
await pack.close();
console.log(JSON.stringify({ importMs: t1 - t0, openMs: t2 - t1, firstQuestionMs: t3 - t1 }));
`,
  );
  let out: string;
  try {
    out = execFileSync(process.execPath, [script], { encoding: 'utf8' });
  } finally {
    rmSync(script, { force: true });
  }
  return JSON.parse(out.trim().split('\n').pop()!) as {
    importMs: number;
    openMs: number;
    firstQuestionMs: number;
  };
}

async function questionLatency(
  pack: TowerPack,
  n: number,
): Promise<{ p50: number; p95: number; p99: number }> {
  for (let i = 0; i < 50; i++) await pack.embedQuestions([QUESTIONS[i % QUESTIONS.length]!]);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await pack.embedQuestions([`${QUESTIONS[i % QUESTIONS.length]} ${i}`]);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    p50: round(percentile(times, 50), 2),
    p95: round(percentile(times, 95), 2),
    p99: round(percentile(times, 99), 2),
  };
}

function cosineAgreement(a: Float32Array, b: Float32Array, dim: number): number {
  let worst = 1;
  for (let r = 0; r < a.length / dim; r++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let d = r * dim; d < (r + 1) * dim; d++) {
      dot += a[d]! * b[d]!;
      na += a[d]! * a[d]!;
      nb += b[d]! * b[d]!;
    }
    if (na > 0 && nb > 0) worst = Math.min(worst, dot / Math.sqrt(na * nb));
  }
  return worst;
}

export async function run(options: TowerBenchOptions = {}): Promise<Record<string, unknown>> {
  const log = options.log ?? ((line: string) => console.log(line));
  const quick = options.quick ?? false;
  const nChunks = quick ? 400 : 4000;
  const reps = quick ? 1 : 3;
  const chunks = options.docs ? chunksFromDocs(options.docs, nChunks, 1000) : generatedChunks(nChunks, 1000);
  const results: Record<string, unknown> = {
    machine: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.availableParallelism()}, node ${process.version}`,
    // Other work on the machine skews every figure below: say how busy it was.
    loadAverage1mAtStart: round(os.loadavg()[0]!, 2),
    corpus: options.docs
      ? `${chunks.length} chunks of 1000 chars from ${options.docs}`
      : `${chunks.length} generated 1000-char chunks (zh/en/mixed)`,
  };

  const builtin = builtinPackDir();
  const useBuiltin = existsSync(path.join(builtin, 'manifest.json'));
  const builtinManifest = useBuiltin
    ? parseHashedManifest(JSON.parse(readFileSync(path.join(builtin, 'manifest.json'), 'utf8')), builtin)
    : null;
  const spec = builtinManifest?.hashedNgram.featurizer ?? DEFAULT_FEATURIZER_SPEC;

  // Featurizer alone, this thread.
  for (let i = 0; i < 200; i++) featurize(chunks[i % chunks.length]!, spec);
  let features = 0;
  const { perSec: featRate } = await throughput(chunks.length, reps, () => {
    features = 0;
    for (const c of chunks) features += featurize(c, spec).ids.length;
  });
  results['featurize.chunksPerSec'] = Math.round(featRate);
  results['featurize.usPerChunk'] = round(1e6 / featRate);
  results['featurize.featuresPerChunk'] = Math.round(features / chunks.length);
  log(
    `featurize: ${Math.round(featRate)} chunks/s (${round(1e6 / featRate)} µs per 1,000 chars, ${Math.round(features / chunks.length)} features)`,
  );

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-bench-towers-'));
  try {
    const dim = options.dim ?? builtinManifest?.dim ?? 256;
    const packs: { label: string; dir: string }[] = useBuiltin ? [{ label: 'builtin', dir: builtin }] : [];
    if (useBuiltin) {
      // The built-in weights with the other int8 summation, to see what it changes.
      const b = await readHashedPack(builtin);
      if (b.question.table.dtype === 'int8' && b.answer.table.dtype === 'int8') {
        const flip = (t: HashedTowerParams): HashedTowerParams => ({
          ...t,
          int8Compute: t.int8Compute === 'integer' ? 'dequantize' : 'integer',
        });
        const label = `builtin-${b.question.int8Compute === 'integer' ? 'int8-dequantize' : 'int8-integer'}`;
        const q = flip(b.question);
        await writeHashedPack(path.join(tmp, label), {
          name: label,
          version: '0',
          license: 'MIT',
          featurizer: b.featurizer,
          question: q,
          answer: b.answer === b.question ? 'shared' : flip(b.answer),
        });
        packs.push({ label, dir: path.join(tmp, label) });
      }
    }
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      if (quick && packs.length >= 2) break;
      const dir = path.join(tmp, variant);
      await writeBenchPack(dir, variant, dim, spec);
      packs.push({ label: variant, dir });
    }
    results.packs =
      `${useBuiltin ? 'the built-in pack and ' : ''}seeded random 2^${spec.log2Buckets} × ${dim} tables ` +
      `(${packs.map((p) => p.label).join(', ')})`;
    const sample = chunks.slice(0, 500);
    const sampleRows = new Map<string, Float32Array>();
    for (const { label, dir } of packs) {
      results[`${label}.packMB`] = round(packBytes(dir) / 2 ** 20);
      for (const workers of [1, 2]) {
        const t0 = performance.now();
        const pack = await openPack(dir, { provider: 'cpu', workers });
        await pack.embedQuestions(['warm up']);
        const loadMs = performance.now() - t0;
        try {
          sampleRows.set(label, await pack.embedAnswers(sample));
          const { perSec: rate, cpuUsPerItem } = await throughput(chunks.length, reps, () =>
            pack.embedAnswers(chunks),
          );
          results[`${label}.answer.w${workers}.chunksPerSec`] = Math.round(rate);
          results[`${label}.answer.w${workers}.cpuUsPerChunk`] = Math.round(cpuUsPerItem);
          log(
            `${label}: answer tower, ${workers} worker(s): ${Math.round(rate)} chunks/s (featurize + ONNX), ${Math.round(cpuUsPerItem)} CPU-µs per chunk`,
          );
          if (workers > 1) continue;
          results[`${label}.fromSource.openToFirstQuestionMs`] = Math.round(loadMs);
          const lat = await questionLatency(pack, quick ? 200 : 2000);
          results[`${label}.question.p50Ms`] = lat.p50;
          results[`${label}.question.p95Ms`] = lat.p95;
          results[`${label}.question.p99Ms`] = lat.p99;
          log(
            `${label}: question latency p50 ${lat.p50} ms, p95 ${lat.p95} ms, p99 ${lat.p99} ms (worker round trip)`,
          );
        } finally {
          await pack.close();
        }
      }
      // Median of three fresh processes (the OS file cache is warm after the first).
      const colds = [0, 1, 2].map(() =>
        coldLoadInFreshProcess(dir, options.built ?? path.join(ROOT, 'out', 'node')),
      );
      const cold = colds[0] ? colds.sort((a, b) => a!.firstQuestionMs - b!.firstQuestionMs)[1]! : null;
      if (cold) {
        results[`${label}.cold.importMs`] = Math.round(cold.importMs);
        results[`${label}.cold.openMs`] = Math.round(cold.openMs);
        results[`${label}.cold.openToFirstQuestionMs`] = Math.round(cold.firstQuestionMs);
        log(
          `${label}: fresh process (tsc build): import ${Math.round(cold.importMs)} ms, openPack ${Math.round(cold.openMs)} ms, openPack → first question ${Math.round(cold.firstQuestionMs)} ms`,
        );
      }
    }
    results.loadAverage1mAtEnd = round(os.loadavg()[0]!, 2);
    // Tables quantised from the same values: how close each stays to float32 (worst chunk).
    const exact = sampleRows.get('float32');
    const shipped = sampleRows.get('builtin');
    for (const [label, rows] of sampleRows) {
      if (exact && !label.startsWith('builtin') && label !== 'float32')
        results[`${label}.minCosineVsFloat32`] = round(cosineAgreement(rows, exact, dim), 5);
      if (shipped && label.startsWith('builtin-'))
        results[`${label}.minCosineVsBuiltin`] = round(
          cosineAgreement(rows, shipped, shipped.length / sample.length),
          5,
        );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const results = await run({
    docs: arg('--docs'),
    dim: arg('--dim') ? Number(arg('--dim')) : undefined,
    quick: process.argv.includes('--quick'),
    built: arg('--built'),
  });
  console.log(JSON.stringify(results, null, 2));
}
