import { analyze } from '../text/analyzer.js';
import { hashFeatureString } from '../towers/featureHash.js';
import type { FeaturizerSpec } from '../towers/featurizerSpec.js';
import type { WordVectors } from '../rank/wordVectors.js';
import type { HashedModel } from './model.js';
import { Rng } from './rng.js';

/**
 * Starts each English word's row of the towers' table partly from its word vector, so
 * that words the training pairs never pair up ("graphs" and "charts", "monitor" and
 * "watch") start near each other instead of orthogonal. The training pairs teach a
 * few thousand words; a person's library and questions use many more, and a random
 * row never moves for a word training did not see.
 *
 * row ← √(1−share)·row + √share·P·v̂, with v̂ the word's vector minus the mean of all
 * vectors (GloVe's common direction would make every text alike), unit length, and P a
 * fixed random dim × vectorDim map that keeps lengths and angles on average.
 */
export interface WordVectorInitOptions {
  /** Share of a row's variance that comes from its word vector (0…1). */
  share: number;
  seed: number;
}

export interface WordVectorInitReport {
  /** Words whose row was started from a vector (one per row: a word sharing a row with an earlier one is skipped). */
  words: number;
}

export function initRowsFromWordVectors(
  model: HashedModel,
  spec: FeaturizerSpec,
  vectors: WordVectors,
  vocabulary: Iterable<string>,
  options: WordVectorInitOptions,
): WordVectorInitReport {
  const { dim } = model;
  const vdim = vectors.dim;
  const mean = meanVector(vectors);
  const rng = new Rng(options.seed);
  // Uniform with variance 1/dim per entry: |P·v| ≈ |v|.
  const p = new Float32Array(dim * vdim);
  const s = 2 * Math.sqrt(3 / dim);
  for (let i = 0; i < p.length; i++) p[i] = (rng.next() - 0.5) * s;

  const keep = Math.sqrt(1 - options.share);
  const add = Math.sqrt(options.share);
  // Both towers' tables (one when tied): a word starts near its synonyms on either side.
  const tables =
    model.answer.table === model.question.table
      ? [model.question.table]
      : [model.question.table, model.answer.table];
  const done = new Set<number>();
  const v = new Float64Array(vdim);
  let words = 0;
  for (const word of vocabulary) {
    const stems = analyze(word);
    if (stems.length !== 1) continue;
    const r = vectors.row(stems[0]!);
    if (r < 0) continue;
    const bucket = hashFeatureString(`w${word}`, spec.seed, spec.log2Buckets);
    if (done.has(bucket)) continue;
    done.add(bucket);
    words++;
    let norm = 0;
    for (let j = 0; j < vdim; j++) {
      v[j] = vectors.component(r, j) - mean[j]!;
      norm += v[j]! * v[j]!;
    }
    norm = Math.sqrt(norm) || 1;
    const base = bucket * dim;
    for (let i = 0; i < dim; i++) {
      let x = 0;
      for (let j = 0; j < vdim; j++) x += p[i * vdim + j]! * v[j]!;
      for (const table of tables) table[base + i] = keep * table[base + i]! + (add * x) / norm;
    }
  }
  return { words };
}

function meanVector(vectors: WordVectors): Float64Array {
  const mean = new Float64Array(vectors.dim);
  const n = vectors.terms.length;
  for (let r = 0; r < n; r++) for (let j = 0; j < vectors.dim; j++) mean[j] += vectors.component(r, j);
  for (let j = 0; j < vectors.dim; j++) mean[j] /= Math.max(1, n);
  return mean;
}

/**
 * The English words to start rows for: those of the training texts, then the built-in
 * word list's (longer words a library may hold that training never used), each once.
 */
export function englishVocabulary(texts: Iterable<string>, wordList: Iterable<string>): Set<string> {
  const words = new Set<string>();
  for (const t of texts)
    for (const m of t
      .normalize('NFKC')
      .toLowerCase()
      .matchAll(/[a-z]+/g))
      words.add(m[0]);
  for (const w of wordList) words.add(w);
  return words;
}
