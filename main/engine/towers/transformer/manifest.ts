import { z } from 'zod';
import { UserError } from '../../errors.js';
import { commonManifestSchema, type FileRecord } from '../manifest.js';

export type { FileRecord };

/**
 * The manifest of a `kind: "transformer"` pack (README.md, "Models"): the fields
 * every pack kind names (towers runtime's commonManifestSchema), with pooling
 * and max length narrowed to what an encoder means by them, and `transformer`
 * saying which ONNX file and tokenizer each tower uses.
 * A shared-encoder pack (e5/bge style) names the same model file for both
 * towers and tells them apart with prefixes; a DPR-style pack names two.
 */

const relPath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'),
    'must be a path inside the pack',
  );

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

export const TransformerManifestSchema = commonManifestSchema.extend({
  kind: z.literal('transformer'),
  pooling: z.enum(['mean', 'cls', 'none']),
  /** Tokens per text including special tokens; longer texts are truncated. */
  maxLength: z.number().int().min(4).max(8192),
  transformer: z.object({
    precision: z.enum(PRECISIONS),
    question: TowerFilesSchema,
    answer: TowerFilesSchema,
    /** Where the weights came from (hub repo + the commit actually fetched), for provenance. */
    source: z
      .object({
        repo: z.string().nullable(),
        revision: z.string().nullable(),
        catalogueId: z.string().nullable(),
      })
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
      if (f && !m.files[f])
        throw new UserError(`pack manifest in ${dir} does not list ${f} under "files"`, dir);
    }
  }
  return m;
}

/** Both towers run the same ONNX file (e5/bge style): one session serves both. */
export function isSharedEncoder(m: TransformerManifest): boolean {
  return m.transformer.question.model === m.transformer.answer.model;
}
