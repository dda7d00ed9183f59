import { bucketOf, hashCodePoint, hashInit, hashUnit } from './featureHash.js';
import type { FeatureRole, FeaturizerSpec } from './featurizerSpec.js';
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
const N_FAMILIES = 5;
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

/**
 * Occurrence counts per (bucket, family) in an open-addressing table keyed by
 * bucket (N_FAMILIES counters per slot). Scratch reused between calls; only
 * the touched slots are cleared.
 */
let slotKeys = new Int32Array(1 << 12);
let slotCounts = new Int32Array((1 << 12) * N_FAMILIES);
let touched = new Int32Array(1 << 11);
let nTouched = 0;
let mask = 0;
let shift = 0;

function resetTable(maxEntries: number): void {
  for (let i = 0; i < nTouched; i++) {
    const slot = touched[i]!;
    slotKeys[slot] = 0;
    for (let f = slot * N_FAMILIES, e = f + N_FAMILIES; f < e; f++) slotCounts[f] = 0;
  }
  nTouched = 0;
  let bits = 4;
  while (1 << bits < maxEntries * 2) bits++;
  if (slotKeys.length < 1 << bits) {
    slotKeys = new Int32Array(1 << bits);
    slotCounts = new Int32Array((1 << bits) * N_FAMILIES);
  }
  if (touched.length < maxEntries) touched = new Int32Array(maxEntries);
  mask = (1 << bits) - 1;
  shift = 32 - bits;
}

/** Slot of `bucket` (never 0, the empty marker), claiming a free one if new. */
function slotOf(bucket: number): number {
  let slot = Math.imul(bucket, 0x9e3779b1) >>> shift;
  for (;;) {
    const k = slotKeys[slot]!;
    if (k === bucket) return slot;
    if (k === 0) {
      slotKeys[slot] = bucket;
      touched[nTouched++] = slot;
      return slot;
    }
    slot = (slot + 1) & mask;
  }
}

function tally(bucket: number, family: number): void {
  slotCounts[slotOf(bucket) * N_FAMILIES + family]!++;
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
  resetTable(3 * (count > 0 ? end[count - 1]! : 0) + 16);

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
  const m = nTouched;
  const w64 = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const base = touched[i]! * N_FAMILIES;
    let w = 0;
    for (let f = 0; f < N_FAMILIES; f++) {
      const n = slotCounts[base + f]!;
      if (n > 0)
        w +=
          famWeight[f]! *
          (tf === TF_LOG ? (n < LOG_TABLE.length ? LOG_TABLE[n]! : 1 + Math.log(n)) : tf === TF_RAW ? n : 1);
    }
    w64[i] = w;
  }
  // Sort (bucket, index) pairs packed in one number: a native typed-array sort.
  let indexBits = 1;
  while (1 << indexBits < m) indexBits++;
  const packed = spec.log2Buckets + indexBits <= 31 ? new Int32Array(m) : new Float64Array(m);
  const scale = 2 ** indexBits;
  for (let i = 0; i < m; i++) packed[i] = slotKeys[touched[i]!]! * scale + i;
  packed.sort();
  let order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = packed[i]! % scale;
  if (m > cap) {
    // Heaviest first, ties by smaller bucket (= earlier in `order`); then back to bucket order.
    const rank = Array.from(order);
    const pos = new Int32Array(m);
    order.forEach((idx, p) => (pos[idx] = p));
    rank.sort((x, y) => w64[y]! - w64[x]! || pos[x]! - pos[y]!);
    order = Int32Array.from(rank.slice(0, cap), (idx) => pos[idx]!)
      .sort()
      .map((p) => order[p]!);
  }
  const ids = new Int32Array(order.length);
  const weights = new Float32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    ids[i] = slotKeys[touched[order[i]!]!]!;
    weights[i] = w64[order[i]!]!;
  }
  return { ids, weights };
}
