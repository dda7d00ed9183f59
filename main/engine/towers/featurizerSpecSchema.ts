import { z } from 'zod';
import type { FeaturizerSpec } from './featurizerSpec.js';

/** Validation of a FeaturizerSpec read from a manifest (the definition is in featurizerSpec.ts). */
export const featureFamilySchema = z.strictObject({
  cjkUnigram: z.number().min(0),
  cjkBigram: z.number().min(0),
  word: z.number().min(0),
  wordBigram: z.number().min(0),
  charTrigram: z.number().min(0),
});

export const featurizerSpecSchema = z.strictObject({
  version: z.literal(1),
  hash: z.literal('fnv1a16-fmix32'),
  seed: z.number().int().min(0).max(0xffffffff),
  log2Buckets: z.number().int().min(8).max(24),
  chineseFold: z.enum(['opencc-t2s-char', 'none']),
  maxChars: z
    .number()
    .int()
    .min(1)
    .max(1 << 24),
  maxWordChars: z.number().int().min(1).max(1024),
  tf: z.enum(['log', 'raw', 'binary']),
  /** Per-family weights; 0 switches a family off. */
  families: featureFamilySchema,
  /** Cap on distinct buckets per text, by role. */
  maxFeatures: z.strictObject({
    question: z.number().int().min(1),
    passage: z.number().int().min(1),
  }),
});

// The schema and the interface describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _same: Same<z.infer<typeof featurizerSpecSchema>, FeaturizerSpec> = true;
void _same;

/** Parse and check a spec (e.g. from a manifest); throws zod's error on mismatch. */
export function parseFeaturizerSpec(value: unknown): FeaturizerSpec {
  return featurizerSpecSchema.parse(value);
}
