import { bucketOf, hashCodePoint, hashInit, hashUnit } from './featureHash.js';
import type { FeatureRole, FeaturizerSpec } from './featurizerSpec.js';
import { radixSortKeys } from './radixSort.js';
import { RUN_WORD, textRuns } from './textRuns.js';

export { DEFAULT_FEATURIZER_SPEC, type FeaturizerSpec } from './featurizerSpec.js';
export { tokenizeForIndex } from './textRuns.js';

/** Sparse features of one text: bucket ids ascending (never 0) and their weights. */
export interface Features {
  ids: Int32Array;
  weights: Float32Array;
}

export interface FeaturizeOptions {
  /** Which cap of `spec.maxFeatures` applies; default 'passage'. */
  role?: FeatureRole;
  /** Overrides the role's cap. */
  maxFeatures?: number;
}

const FAM_CJK_UNI = 0;
const FAM_CJK_BI = 1;
const FAM_WORD = 2;
const FAM_WORD_BI = 3;
const FAM_TRI = 4;
const TF_LOG = 0;
const TF_RAW = 1;
const TF_BINARY = 2;
const LOG_TABLE = Float64Array.from({ length: 256 }, (_, n) => 1 + Math.log(n));

const TAG_CJK_UNI = 0x75; // 'u'
const TAG_CJK_BI = 0x62; // 'b'
const TAG_WORD = 0x77; // 'w'
const TAG_WORD_BI = 0x70; // 'p'
const TAG_TRI = 0x74; // 't'
const SPACE = 0x20;
const BOUNDARY = 0x23; // '#', never part of a word

/** Feature keys (bucket << 3 | family) of the current text, appended in order; scratch. */
let keys = new Int32Array(1 << 12);
let nKeys = 0;

function resetKeys(maxKeys: number): void {
  if (keys.length < maxKeys) keys = new Int32Array(maxKeys);
  nKeys = 0;
}

function tally(bucket: number, family: number): void {
  keys[nKeys++] = (bucket << 3) | family;
}

/**
 * Text → sparse hashed n-gram features, exactly as featurizerSpec.ts defines
 * them. Deterministic, bounded by `spec.maxChars`, safe on any string.
 */
export function featurize(text: string, spec: FeaturizerSpec, options: FeaturizeOptions = {}): Features {
  const runs = textRuns(text, {
    maxChars: spec.maxChars,
    maxWordChars: spec.maxWordChars,
    foldChinese: spec.chineseFold === 'opencc-t2s-char',
  });
  const { cps, start, end, kind, count } = runs;
  const nBits = spec.log2Buckets;
  const fam = spec.families;
  const seedState = hashInit(spec.seed);
  const hUni = hashUnit(seedState, TAG_CJK_UNI);
  const hBi = hashUnit(seedState, TAG_CJK_BI);
  const hWord = hashUnit(seedState, TAG_WORD);
  const hPair = hashUnit(seedState, TAG_WORD_BI);
  const hTri = hashUnit(seedState, TAG_TRI);
  const onUni = fam.cjkUnigram > 0;
  const onBi = fam.cjkBigram > 0;
  const onWord = fam.word > 0;
  const onPair = fam.wordBigram > 0;
  const onTri = fam.charTrigram > 0;

  // At most 3 buckets per code point (word + pair + k trigrams for k code points; 2 per CJK char).
  resetKeys(3 * (count > 0 ? end[count - 1]! : 0) + 16);

  let pairState = 0; // hash state of 'p' + previous word + ' '
  let hasPrevWord = false;
  for (let r = 0; r < count; r++) {
    const a = start[r]!;
    const b = end[r]!;
    if (kind[r] === RUN_WORD) {
      if (onWord) {
        let h = hWord;
        for (let i = a; i < b; i++) h = hashCodePoint(h, cps[i]!);
        tally(bucketOf(h, nBits), FAM_WORD);
      }
      if (onPair) {
        if (hasPrevWord) {
          let h = pairState;
          for (let i = a; i < b; i++) h = hashCodePoint(h, cps[i]!);
          tally(bucketOf(h, nBits), FAM_WORD_BI);
        }
        let h = hPair;
        for (let i = a; i < b; i++) h = hashCodePoint(h, cps[i]!);
        pairState = hashUnit(h, SPACE);
        hasPrevWord = true;
      }
      if (onTri) {
        // Trigrams of '#' + word + '#'.
        for (let j = a - 1; j < b - 1; j++) {
          let h = hashCodePoint(hTri, j < a ? BOUNDARY : cps[j]!);
          h = hashCodePoint(h, cps[j + 1]!);
          h = hashCodePoint(h, j + 2 < b ? cps[j + 2]! : BOUNDARY);
          tally(bucketOf(h, nBits), FAM_TRI);
        }
      }
    } else {
      hasPrevWord = false;
      for (let i = a; i < b; i++) {
        const c = cps[i]!;
        if (onUni) tally(bucketOf(hashCodePoint(hUni, c), nBits), FAM_CJK_UNI);
        if (onBi && i + 1 < b) {
          const h = hashCodePoint(hashCodePoint(hBi, c), cps[i + 1]!);
          tally(bucketOf(h, nBits), FAM_CJK_BI);
        }
      }
    }
  }

  const role = options.role ?? 'passage';
  const cap = options.maxFeatures ?? spec.maxFeatures[role];
  return collect(spec, cap);
}

/** Turn the counts into (bucket, weight) sorted by bucket, capped. */
function collect(spec: FeaturizerSpec, cap: number): Features {
  const famWeight = new Float64Array([
    spec.families.cjkUnigram,
    spec.families.cjkBigram,
    spec.families.word,
    spec.families.wordBigram,
    spec.families.charTrigram,
  ]);
  const tf = spec.tf === 'log' ? TF_LOG : spec.tf === 'raw' ? TF_RAW : TF_BINARY;
  const sorted = radixSortKeys(keys, nKeys, spec.log2Buckets + 3);
  // Runs of equal keys are one feature family's count in one bucket; adjacent buckets merge.
  let ids = new Int32Array(nKeys);
  const w64 = new Float64Array(nKeys);
  let m = 0;
  for (let i = 0; i < nKeys;) {
    const key = sorted[i]!;
    let j = i + 1;
    while (j < nKeys && sorted[j] === key) j++;
    const n = j - i;
    const w =
      famWeight[key & 7]! *
      (tf === TF_LOG ? (n < LOG_TABLE.length ? LOG_TABLE[n]! : 1 + Math.log(n)) : tf === TF_RAW ? n : 1);
    const bucket = key >> 3;
    if (m > 0 && ids[m - 1] === bucket) w64[m - 1] += w;
    else {
      ids[m] = bucket;
      w64[m++] = w;
    }
    i = j;
  }
  let weights: Float32Array;
  if (m > cap) {
    // Heaviest first, ties by smaller bucket; then back to bucket order.
    const order = Array.from({ length: m }, (_, i) => i);
    order.sort((x, y) => w64[y]! - w64[x]! || x - y);
    const keep = Int32Array.from(order.slice(0, cap)).sort();
    ids = keep.map((i) => ids[i]!);
    weights = Float32Array.from(keep, (i) => w64[i]!);
  } else {
    ids = ids.slice(0, m);
    weights = new Float32Array(w64.subarray(0, m));
  }
  return { ids, weights };
}
