/**
 * The featurizer's settings, stored verbatim in a hashed-ngram pack's
 * manifest.json. Training and inference read the same object, so a pack's
 * vectors can always be reproduced from its manifest plus featurize.ts.
 *
 * (No zod here: tower workers import this, and zod costs ~70 ms of their
 * start-up; the schema is featurizerSpecSchema.ts.)
 *
 * The definition, precise enough to reimplement elsewhere, is
 * FEATURIZER_DEFINITION below; packWriter copies it into every manifest.
 */
export interface FeaturizerSpec {
  version: 1;
  hash: 'fnv1a16-fmix32';
  seed: number;
  log2Buckets: number;
  chineseFold: 'opencc-t2s-char' | 'none';
  maxChars: number;
  maxWordChars: number;
  tf: 'log' | 'raw' | 'binary';
  /** Per-family weights; 0 switches a family off. */
  families: { cjkUnigram: number; cjkBigram: number; word: number; wordBigram: number; charTrigram: number };
  /** Cap on distinct buckets per text, by role. */
  maxFeatures: { question: number; passage: number };
}
export type FeatureFamily = keyof FeaturizerSpec['families'];
export type FeatureRole = keyof FeaturizerSpec['maxFeatures'];

export const DEFAULT_FEATURIZER_SPEC: FeaturizerSpec = Object.freeze({
  version: 1,
  hash: 'fnv1a16-fmix32',
  seed: 0,
  log2Buckets: 18,
  chineseFold: 'opencc-t2s-char',
  // ~20 chunks' worth: far above any chunk, small enough that a 10 MB paste stays cheap.
  maxChars: 20_000,
  maxWordChars: 32,
  tf: 'log',
  families: Object.freeze({ cjkUnigram: 1, cjkBigram: 1, word: 1, wordBigram: 0.5, charTrigram: 0.25 }),
  maxFeatures: Object.freeze({ question: 256, passage: 2048 }),
}) as FeaturizerSpec;

/** Key-sorted JSON, so equal specs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Version 1 of the featurizer, step by step (featurize.ts implements exactly this). */
export const FEATURIZER_DEFINITION: readonly string[] = Object.freeze([
  '1. Text: the first maxChars UTF-16 code units (a trailing lone high surrogate dropped), then Unicode NFKC, ' +
    'then full locale-independent lower-casing (JavaScript toLowerCase, Python str.lower).',
  "2. Chinese fold (chineseFold 'opencc-t2s-char'): each Han character maps through one table built from " +
    'opencc-js 1.4.2 dictionaries: TWVariantsRev, else HKVariantsRev (regional -> OpenCC standard form), then ' +
    'TSCharacters (Traditional -> Simplified), applied until nothing changes (at most 8 steps); ' +
    'single characters only, phrase dictionaries unused.',
  '3. Runs: CJK runs (U+4E00-9FFF, 3400-4DBF, F900-FAFF, 3040-30FF, 31F0-31FF, 3007, 20000-323AF) and word ' +
    'runs (Unicode L or N, plus Mn/Mc marks after a word character). Skipped without breaking a run: U+00AD, ' +
    '034F, 200C, 200D, 2060-2064, FE00-FE0F, FEFF, E0100-E01EF. Anything else ends the run. A word keeps its ' +
    'first maxWordChars code points.',
  "4. Features are strings TAG + token: 'u' + CJK character; 'b' + two adjacent characters of one CJK run; " +
    "'w' + word; 'p' + word1 + ' ' + word2 for consecutive words with no CJK run between; 't' + each 3-code-point " +
    "window of '#' + word + '#'.",
  "5. Hash 'fnv1a16-fmix32': h = 0x811C9DC5 XOR seed; for each UTF-16 code unit c of the feature string, " +
    'h = ((h XOR c) * 0x01000193) mod 2^32; then fmix32: h ^= h >>> 16; h *= 0x85EBCA6B; h ^= h >>> 13; ' +
    'h *= 0xC2B2AE35; h ^= h >>> 16 (32-bit). Bucket = 1 + (h mod (2^log2Buckets - 1)); bucket 0 is padding.',
  "6. Weights: n = occurrences of one family's features in one bucket; tf 'log': 1 + ln n, 'raw': n, " +
    "'binary': 1; times the family's weight (0 = family off); summed over the families sharing a bucket " +
    '(float64, stored as float32).',
  '7. Cap: with more than maxFeatures[role] buckets (role question or passage) keep the heaviest (float64 ' +
    'weights; ties: smaller bucket). Output sorted by bucket, ascending.',
]);
