import { z } from 'zod';
import { UserError } from '../errors.js';
import { rankerManifestSchema } from '../rank/packRanker.js';
import { featurizerSpecSchema } from './featurizerSpecSchema.js';

/**
 * manifest.json of a tower pack (README.md, "Models"). The common part is what every
 * kind names; `kind` selects the kind-specific section (`hashedNgram` here,
 * `transformer` in transformer/manifest.ts, which validates its own section).
 */
const relPath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'),
    'must be a path inside the pack',
  );

export const fileRecordSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});
export type FileRecord = z.infer<typeof fileRecordSchema>;

export const commonManifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  kind: z.enum(['hashed-ngram', 'transformer']),
  dim: z.number().int().positive(),
  /** How token/feature vectors become one vector (kind-specific values). */
  pooling: z.string().min(1),
  /** Text put before questions/passages (e5's `query: `); empty for hashed packs. */
  prefixes: z.object({ question: z.string(), answer: z.string() }),
  /** Output vectors are L2-normalised. */
  normalization: z.literal('l2').default('l2'),
  /** Longest input read per text: tokens for transformers, UTF-16 characters for hashed packs. */
  maxLength: z.number().int().positive(),
  license: z.string().min(1),
  attribution: z.array(z.string()).default([]),
  trainingData: z.array(z.string()).default([]),
  metrics: z.record(z.string(), z.unknown()).default({}),
  /** Every file of the pack (path relative to the pack folder) with its sha256 and size. */
  files: z.record(relPath, fileRecordSchema),
  created: z.string().optional(),
  /** How the weights were trained (design, seed, epochs, config…), free-form. */
  training: z.record(z.string(), z.unknown()).optional(),
  /** The ranking stage's model shipped with the pack (see rank/packRanker.ts); none = score fusion. */
  ranker: rankerManifestSchema.optional(),
});
export type CommonManifest = z.infer<typeof commonManifestSchema>;

/**
 * One tower: its ONNX file and the options it was built with (see
 * onnx/hashedTower.ts), enough to read the weights back into the same
 * parameters (readHashedPack).
 */
export const hashedTowerFilesSchema = z.object({
  /** ONNX file of this tower; both towers naming one file is a shared-weights pack. */
  model: relPath,
  pooling: z.enum(['sum', 'mean', 'sqrtn']),
  normalizePooled: z.boolean().default(false),
  table: z.enum(['float32', 'float16', 'int8']),
  int8Compute: z.enum(['dequantize', 'integer']).optional(),
  termWeights: z.boolean().default(false),
  projection: z
    .object({
      dim: z.number().int().positive(),
      activation: z.enum(['none', 'tanh', 'relu']),
      residual: z.boolean(),
      bias: z.boolean(),
    })
    .nullable()
    .default(null),
});
export type HashedTowerFiles = z.infer<typeof hashedTowerFilesSchema>;

export const hashedManifestSchema = commonManifestSchema.extend({
  kind: z.literal('hashed-ngram'),
  hashedNgram: z.object({
    featurizer: featurizerSpecSchema,
    /** The featurizer's definition in words (FEATURIZER_DEFINITION), for reimplementations. */
    featurizerDefinition: z.array(z.string()).optional(),
    question: hashedTowerFilesSchema,
    answer: hashedTowerFilesSchema,
  }),
});
export type HashedManifest = z.infer<typeof hashedManifestSchema>;

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.join('.') || '(root)';
  return `${where}: ${issue?.message ?? 'invalid'}`;
}

/** Common fields only (other keys kept), for dispatching on `kind`. */
export function parseCommonManifest(raw: unknown, file: string): CommonManifest & Record<string, unknown> {
  const parsed = commonManifestSchema.loose().safeParse(raw);
  if (!parsed.success)
    throw new UserError(`invalid pack manifest ${file}: ${describeIssue(parsed.error)}`, file);
  return parsed.data;
}

export function parseHashedManifest(raw: unknown, file: string): HashedManifest {
  const parsed = hashedManifestSchema.safeParse(raw);
  if (!parsed.success)
    throw new UserError(`invalid hashed-ngram pack manifest ${file}: ${describeIssue(parsed.error)}`, file);
  const m = parsed.data;
  for (const side of ['question', 'answer'] as const) {
    const model = m.hashedNgram[side].model;
    if (!m.files[model])
      throw new UserError(`pack manifest ${file} does not list ${model} under "files"`, file);
  }
  return m;
}
