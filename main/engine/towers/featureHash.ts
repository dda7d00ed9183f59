/**
 * The feature hash of featurizerSpec.ts (`fnv1a16-fmix32`): FNV-1a taking one
 * UTF-16 code unit per step, then murmur3's fmix32 so the low bits used for
 * bucketing depend on every input unit. Integer-only, so identical on every
 * platform. Split into init/step/finish so the featurizer hashes straight from
 * code points without building feature strings.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function hashInit(seed: number): number {
  return (FNV_OFFSET ^ seed) | 0;
}

export function hashUnit(h: number, unit: number): number {
  return Math.imul(h ^ unit, FNV_PRIME);
}

/** One code point, as its UTF-16 unit(s). */
export function hashCodePoint(h: number, cp: number): number {
  if (cp < 0x10000) return Math.imul(h ^ cp, FNV_PRIME);
  const v = cp - 0x10000;
  h = Math.imul(h ^ (0xd800 + (v >> 10)), FNV_PRIME);
  return Math.imul(h ^ (0xdc00 + (v & 0x3ff)), FNV_PRIME);
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Bucket in [1, 2^log2Buckets − 1]; 0 stays free for padding. The modulus is
 * 2^n − 1, so h mod m is the sum of h's n-bit digits, folded: integer-only
 * (a double `%` on uint32 values is several times slower in V8).
 */
export function bucketOf(h: number, log2Buckets: number): number {
  h = fmix32(h);
  const m = (1 << log2Buckets) - 1;
  let x = (h >>> log2Buckets) + (h & m);
  while (x > m) x = (x >>> log2Buckets) + (x & m);
  return x === m ? 1 : x + 1;
}

/** Reference form: the bucket of one whole feature string (TAG + token). */
export function hashFeatureString(feature: string, seed: number, log2Buckets: number): number {
  let h = hashInit(seed);
  for (let i = 0; i < feature.length; i++) h = hashUnit(h, feature.charCodeAt(i));
  return bucketOf(h, log2Buckets);
}
