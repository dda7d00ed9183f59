/**
 * The featurizer's settings, stored verbatim in a hashed-ngram pack's
 * manifest.json. Training and inference read the same object, so a pack's
 * vectors can always be reproduced from its manifest plus featurize.ts.
 *
 * (No zod here: tower workers import this, and zod costs ~70 ms of their
 * start-up; the schema is featurizerSpecSchema.ts.)
 *
 * Definition (version 1), precise enough to reimplement elsewhere:
 *
 * 1. Text: the first `maxChars` UTF-16 code units (a trailing lone high
 *    surrogate dropped), then Unicode NFKC, then `String.prototype.toLowerCase`
 *    (full, locale-independent lower-casing; Python: `str.lower()`).
 * 2. Chinese fold (`chineseFold: 'opencc-t2s-char'`): each Han character is
 *    mapped through a character table built from opencc-js's dictionaries
 *    (see chineseFold.ts), so Traditional and Simplified spellings coincide.
 * 3. Segmentation into runs: CJK runs (Han ideographs incl. extensions and
 *    compatibility blocks, 〇, kana) and word runs (letters, digits, plus
 *    combining marks Mn/Mc inside a word). Default-ignorable characters (soft
 *    hyphen, ZWJ/ZWNJ, variation selectors, BOM…) are skipped without breaking
 *    a run; everything else (spaces, punctuation, symbols, emoji, controls,
 *    lone surrogates) ends the current run. A word keeps at most
 *    `maxWordChars` code points (the rest of it is dropped).
 * 4. Features, each a string TAG + token, TAG one ASCII letter:
 *    `u` CJK character; `b` two adjacent characters of a CJK run;
 *    `w` word; `p` two consecutive words (w1 + ' ' + w2; a CJK run between
 *    them breaks the pair); `t` character trigrams of '#' + word + '#'
 *    (a word of k code points gives k trigrams).
 * 5. Hash (`hash: 'fnv1a16-fmix32'`): h = 0x811C9DC5 XOR seed; for each UTF-16
 *    code unit c of the feature string: h = ((h XOR c) × 0x01000193) mod 2^32;
 *    then the murmur3 finalizer fmix32(h). Bucket = 1 + (h mod (2^log2Buckets − 1)),
 *    so bucket 0 is never emitted (it is the padding id).
 * 6. Weights: n = occurrences of one family's features in one bucket;
 *    tf 'log' → 1 + ln n, 'raw' → n, 'binary' → 1; times the family weight
 *    (0 turns a family off); summed over families sharing a bucket.
 * 7. Cap: with more than maxFeatures[role] buckets, the heaviest are kept
 *    (ties: smaller id first). Output is sorted by bucket id, ascending.
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
