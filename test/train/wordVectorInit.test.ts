import { describe, expect, it } from 'vitest';
import { WORD_VECTOR_SCALE, WordVectors } from '../../main/engine/rank/wordVectors.js';
import { analyze } from '../../main/engine/text/analyzer.js';
import { hashFeatureString } from '../../main/engine/towers/featureHash.js';
import { DEFAULT_FEATURIZER_SPEC, type FeaturizerSpec } from '../../main/engine/towers/featurizerSpec.js';
import { initModel, type HashedModel } from '../../main/engine/train/model.js';
import { englishVocabulary, initRowsFromWordVectors } from '../../main/engine/train/wordVectorInit.js';

const SPEC: FeaturizerSpec = { ...DEFAULT_FEATURIZER_SPEC, log2Buckets: 12 };
const DIM = 64;

/** Three words: "printer" and "inkjet" nearly alike, "banana" apart; stored by stem as the pack does. */
function vectors(): WordVectors {
  const rows: number[][] = [
    [1, 0.1, 0, 0],
    [0.95, 0.2, 0.1, 0],
    [0, 0, 0.2, 1],
    [0.3, 0.3, 0.9, 0.1],
  ];
  const words = ['printer', 'inkjet', 'banana', 'kitchen'];
  const data = new Int8Array(rows.length * 4);
  rows.forEach((r, i) => {
    const n = Math.hypot(...r);
    r.forEach((x, j) => (data[i * 4 + j] = Math.round((x / n) * WORD_VECTOR_SCALE)));
  });
  return new WordVectors(
    words.map((w) => analyze(w)[0]!),
    data,
    4,
    new Int8Array(rows.length),
  );
}

function model(): HashedModel {
  return initModel({
    buckets: 2 ** SPEC.log2Buckets,
    dim: DIM,
    tied: true,
    termWeights: null,
    projection: 'none',
    seed: 3,
  });
}

function row(m: HashedModel, word: string): Float32Array {
  const b = hashFeatureString(`w${word}`, SPEC.seed, SPEC.log2Buckets);
  return m.question.table.subarray(b * DIM, (b + 1) * DIM);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe('initRowsFromWordVectors (towers started from word vectors)', () => {
  it('starts the rows of words used alike nearer each other than unrelated ones', () => {
    const m = model();
    const before = cosine(row(m, 'printer'), row(m, 'inkjet'));
    const report = initRowsFromWordVectors(m, SPEC, vectors(), ['printers', 'inkjet', 'banana', 'kitchen'], {
      share: 0.8,
      seed: 1,
    });
    expect(report.words).toBe(4);
    const near = cosine(row(m, 'printers'), row(m, 'inkjet'));
    const far = cosine(row(m, 'printers'), row(m, 'banana'));
    expect(near).toBeGreaterThan(0.5);
    expect(near).toBeGreaterThan(far + 0.4);
    expect(Math.abs(before)).toBeLessThan(0.4);
  });

  it('leaves every other row and words without a vector as they were', () => {
    const m = model();
    const untouched = Float32Array.from(m.question.table);
    initRowsFromWordVectors(m, SPEC, vectors(), ['inkjet', 'zyzzyva'], { share: 0.5, seed: 1 });
    const changed = new Set<number>();
    for (let i = 0; i < untouched.length; i++)
      if (m.question.table[i] !== untouched[i]) changed.add(Math.floor(i / DIM));
    expect([...changed]).toEqual([hashFeatureString('winkjet', SPEC.seed, SPEC.log2Buckets)]);
  });

  it('starts both towers alike when they have a table each', () => {
    const m = initModel({
      buckets: 2 ** SPEC.log2Buckets,
      dim: DIM,
      tied: false,
      termWeights: null,
      projection: 'none',
      seed: 3,
    });
    initRowsFromWordVectors(m, SPEC, vectors(), ['printer', 'inkjet'], { share: 0.9, seed: 1 });
    const b = (w: string) => hashFeatureString(`w${w}`, SPEC.seed, SPEC.log2Buckets);
    const rowOf = (t: Float32Array, w: string) => t.subarray(b(w) * DIM, (b(w) + 1) * DIM);
    expect(cosine(rowOf(m.question.table, 'printer'), rowOf(m.answer.table, 'inkjet'))).toBeGreaterThan(0.5);
  });

  it('at share 0 changes nothing', () => {
    const m = model();
    const untouched = Float32Array.from(m.question.table);
    initRowsFromWordVectors(m, SPEC, vectors(), ['printer', 'inkjet'], { share: 0, seed: 1 });
    expect(m.question.table).toEqual(untouched);
  });
});

describe('englishVocabulary', () => {
  it('takes the words the featurizer sees (split at apostrophes and hyphens, lower-cased) and the word list', () => {
    const words = englishVocabulary(["Don't re-install the Printer", '打印机 printer'], ['inkjet']);
    expect([...words].sort()).toEqual(['don', 'inkjet', 'install', 'printer', 're', 't', 'the']);
  });
});
