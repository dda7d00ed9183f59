import { z } from 'zod';
import { UserError } from '../../errors.js';

/**
 * The manifest of a `kind: "transformer"` pack (DESIGN.md §3).
 *
 * Top-level fields are the ones every pack kind names (name, version, dim,
 * pooling, prefixes, normalisation, max length, licence, attribution, metrics,
 * files); `transformer` says which ONNX file and tokenizer each tower uses.
 * A shared-encoder pack (e5/bge style) names the same model file for both
 * towers and tells them apart with prefixes; a DPR-style pack names two.
 */

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a path inside the pack');

export const TowerFilesSchema = z.object({
  /** ONNX encoder, relative to the pack folder. */
  model: relPath,
  tokenizer: relPath,
  /** tokenizer_config.json, when the export has one (some tokenizers read flags from it). */
  tokenizerConfig: relPath.nullable().default(null),
  /**
   * Graph output to read: `last_hidden_state` ([N,L,H], pooled here) or an
   * already pooled output such as `sentence_embedding` ([N,H]; pooling `none`).
   */
  output: z.string().min(1).default('last_hidden_state'),
});
export type TowerFiles = z.infer<typeof TowerFilesSchema>;

export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

export const FileRecordSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() });
export type FileRecord = z.infer<typeof FileRecordSchema>;

export const TransformerManifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  kind: z.literal('transformer'),
  dim: z.number().int().positive(),
  pooling: z.enum(['mean', 'cls', 'none']),
  prefixes: z.object({ question: z.string(), answer: z.string() }),
  normalization: z.literal('l2').default('l2'),
  /** Tokens per text including special tokens; longer texts are truncated. */
  maxLength: z.number().int().min(4).max(8192),
  license: z.string().min(1),
  attribution: z.array(z.string()).default([]),
  trainingData: z.array(z.string()).default([]),
  metrics: z.record(z.string(), z.unknown()).default({}),
  files: z.record(z.string(), FileRecordSchema),
  created: z.string().optional(),
  transformer: z.object({
    precision: z.enum(PRECISIONS),
    question: TowerFilesSchema,
    answer: TowerFilesSchema,
    /** Where the weights came from (hub repo + the commit actually fetched), for provenance. */
    source: z
      .object({ repo: z.string().nullable(), revision: z.string().nullable(), catalogueId: z.string().nullable() })
      .partial()
      .optional(),
  }),
});
export type TransformerManifest = z.infer<typeof TransformerManifestSchema>;

export type TowerSide = 'question' | 'answer';

export function parseTransformerManifest(raw: unknown, dir: string): TransformerManifest {
  const parsed = TransformerManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new UserError(`invalid transformer pack manifest in ${dir}: ${where}: ${issue?.message}`, dir);
  }
  const m = parsed.data;
  for (const side of ['question', 'answer'] as const) {
    const t = m.transformer[side];
    for (const f of [t.model, t.tokenizer, t.tokenizerConfig]) {
      if (f && !m.files[f]) throw new UserError(`pack manifest in ${dir} does not list ${f} under "files"`, dir);
    }
  }
  return m;
}

/** Both towers run the same ONNX file (e5/bge style): one session serves both. */
export function isSharedEncoder(m: TransformerManifest): boolean {
  return m.transformer.question.model === m.transformer.answer.model;
}
