import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { gbdtSchema, validateGbdt, type GbdtModel } from './gbdt.js';

/** manifest.json's `ranker` field: the pack's ranking-stage model (optional). */
export const rankerManifestSchema = z.object({
  /** The model file (listed in `files` with its sha256 like every other pack file). */
  file: z.string().min(1),
  /** The feature set it was trained on (rank/rankFeatures.ts RANK_FEATURE_SET). */
  featureSet: z.string().min(1),
  /** What it was trained on: corpora, sizes, held-out figures. */
  training: z.record(z.string(), z.unknown()).default({}),
});
export type RankerManifest = z.infer<typeof rankerManifestSchema>;

const manifestWithRanker = z.object({
  ranker: rankerManifestSchema.optional(),
  files: z.record(z.string(), z.object({ sha256: z.string() })),
});

/**
 * The ranking model a pack ships, or null when it ships none (search then falls
 * back to score fusion). The file must be the one the manifest lists (sha256).
 */
export function readPackRanker(packDir: string): GbdtModel | null {
  const manifest = manifestWithRanker.parse(
    JSON.parse(readFileSync(path.join(packDir, 'manifest.json'), 'utf8')),
  );
  if (!manifest.ranker) return null;
  const file = manifest.ranker.file;
  if (file.startsWith('/') || file.split('/').includes('..'))
    throw new Error(`ranker file outside the pack: ${file}`);
  const bytes = readFileSync(path.join(packDir, file));
  const listed = manifest.files[file]?.sha256;
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (listed !== actual) throw new Error(`ranker file ${file} does not match the manifest's sha256`);
  const model = validateGbdt(gbdtSchema.parse(JSON.parse(bytes.toString('utf8'))));
  if (model.featureSet !== manifest.ranker.featureSet)
    throw new Error(
      `ranker file ${file} was trained on "${model.featureSet}", manifest says "${manifest.ranker.featureSet}"`,
    );
  return model;
}
