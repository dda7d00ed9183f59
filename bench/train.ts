/**
 * Trainer benchmarks (training speed in pairs/s, for the design table):
 * training throughput of the shipped design's shape on generated pairs of
 * realistic length (English ~120-word and Chinese ~300-character passages,
 * short questions), for the plain in-batch objective and with BM25 hard
 * negatives + the fused objective; featurizing and BM25 mining beside it as
 * baselines in the same process. Prints the built-in pack's design table
 * (resources/models/docqa-zh-en-hashed/designs.json, measured by
 * `npm run train:builtin -- --compare …`) when it exists.
 *
 *   npx tsx bench/train.ts [--pairs N] [--quick]
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinPackDir } from '../main/engine/towers/builtinPack.js';
import { findDesign, DEFAULT_DESIGN } from '../main/engine/train/designs.js';
import { featurizersFor } from '../main/engine/train/job.js';
import { initModel } from '../main/engine/train/model.js';
import type { Pair } from '../main/engine/train/pairs.js';
import {
  bm25Corpus,
  bm25Prior,
  bucketIdf,
  mineHardNegatives,
  prepareTrainData,
} from '../main/engine/train/prepare.js';
import { Rng } from '../main/engine/train/rng.js';
import { train } from '../main/engine/train/trainer.js';

export interface TrainBenchOptions {
  /** Generated training pairs (default 4,000). */
  pairs?: number;
  quick?: boolean;
}

/** Seeded pairs with a Zipf-like vocabulary; questions reuse some of their passage's words. */
function generatedPairs(count: number): Pair[] {
  const rng = new Rng(7);
  const zipf = (n: number): number => Math.min(n - 1, Math.floor(Math.exp(rng.next() * Math.log(n + 1)) - 1));
  const words = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}`);
  const han = Array.from({ length: 3_000 }, (_, i) => String.fromCharCode(0x4e00 + i * 7));
  return Array.from({ length: count }, (_, i) => {
    const zh = i % 4 === 3;
    const tokens = Array.from(
      { length: zh ? 300 : 120 },
      () => (zh ? han : words)[zipf(zh ? han.length : words.length)]!,
    );
    const passage = zh ? tokens.join('') : tokens.join(' ');
    const q = Array.from({ length: zh ? 15 : 10 }, () =>
      rng.next() < 0.5 ? tokens[rng.int(tokens.length)]! : (zh ? han : words)[zipf(50)]!,
    );
    return { question: zh ? q.join('') : q.join(' '), passage, source: 'generated' };
  });
}

export async function run(options: TrainBenchOptions = {}): Promise<Record<string, unknown>> {
  const count = options.pairs ?? (options.quick ? 1000 : 4000);
  const design = findDesign(DEFAULT_DESIGN)!;
  const pairs = generatedPairs(count);
  const fz = featurizersFor(design.featurizer);
  const buckets = 2 ** design.featurizer.log2Buckets;
  const results: Record<string, unknown> = { design: design.name, pairs: count, dim: design.dim, buckets };

  let t = performance.now();
  const data = prepareTrainData(pairs, fz);
  results.featurize_pairs_per_s = Math.round(count / ((performance.now() - t) / 1000));

  const config = { ...design.train, epochs: 1, patience: 0 };
  const fresh = () =>
    initModel({
      buckets,
      dim: design.dim,
      tied: true,
      termWeights: bucketIdf(data.passages, buckets),
      projection: 'none',
      seed: 1,
    });
  results.train_pairs_per_s = Math.round(train(fresh(), data, null, config).pairsPerSec);

  t = performance.now();
  const corpus = bm25Corpus(
    pairs.map((p) => p.question),
    data.passageTexts,
  );
  data.hardNegatives = mineHardNegatives(corpus, data.passageOf, 1, 2);
  results.bm25_mining_pairs_per_s = Math.round(count / ((performance.now() - t) / 1000));
  data.prior = bm25Prior(corpus, 1);
  results.train_fused_2neg_pairs_per_s = Math.round(train(fresh(), data, null, config).pairsPerSec);

  const designsFile = path.join(builtinPackDir(), 'designs.json');
  if (existsSync(designsFile)) {
    const rows = JSON.parse(readFileSync(designsFile, 'utf8')) as {
      design: string;
      model: {
        model: Record<string, number>;
        bm25: Record<string, number>;
        hybrid: Record<string, number>;
      } | null;
      pairsPerSec: number;
    }[];
    results.builtin_design_table = rows.map((r) => ({
      design: r.design,
      'recall@1': r.model?.model['recall@1'],
      'recall@10': r.model?.model['recall@10'],
      'bm25 recall@1': r.model?.bm25['recall@1'],
      'bm25 recall@10': r.model?.bm25['recall@10'],
      'fused recall@1': r.model?.hybrid['recall@1'],
      'fused recall@10': r.model?.hybrid['recall@10'],
      'pairs/s (full data)': r.pairsPerSec,
    }));
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--pairs');
  const results = await run({
    pairs: i > 0 ? Number(process.argv[i + 1]) : undefined,
    quick: process.argv.includes('--quick'),
  });
  console.log(JSON.stringify(results, null, 2));
}
