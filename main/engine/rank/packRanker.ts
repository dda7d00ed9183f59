import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BackgroundFrequency } from './backgroundFrequency.js';
import { gbdtSchema, validateGbdt, type GbdtModel } from './gbdt.js';
import { computesFeatureSet } from './rankFeatures.js';

/** manifest.json's `ranker` field: the pack's ranking-stage model (optional). */
export const rankerManifestSchema = z.object({
  /** The model file (listed in `files` with its sha256 like every other pack file). */
  file: z.string().min(1),
  /** The feature set it was trained on (rank/rankFeatures.ts RANK_FEATURE_SET). */
  featureSet: z.string().min(1),
  /** Background document frequencies for the not-found decision (rank/backgroundFrequency.ts). */
  background: z.string().min(1).optional(),
  /** What it was trained on: corpora, sizes, held-out figures. */
  training: z.record(z.string(), z.unknown()).default({}),
});
export type RankerManifest = z.infer<typeof rankerManifestSchema>;

const manifestWithRanker = z.object({
  ranker: rankerManifestSchema.optional(),
  files: z.record(z.string(), z.object({ sha256: z.string() })),
});

export interface PackRanker {
  model: GbdtModel;
  background: BackgroundFrequency | null;
}

/** The pack's ranker field and a reader of the files it names, each checked against the manifest's sha256. */
function rankerOf(packDir: string): { ranker: RankerManifest; verified: (file: string) => Buffer } | null {
  const manifest = manifestWithRanker.parse(
    JSON.parse(readFileSync(path.join(packDir, 'manifest.json'), 'utf8')),
  );
  const ranker = manifest.ranker;
  if (!ranker) return null;
  const verified = (file: string): Buffer => {
    if (file.startsWith('/') || file.split('/').includes('..'))
      throw new Error(`ranker file outside the pack: ${file}`);
    const bytes = readFileSync(path.join(packDir, file));
    if (manifest.files[file]?.sha256 !== createHash('sha256').update(bytes).digest('hex'))
      throw new Error(`ranker file ${file} does not match the manifest's sha256`);
    return bytes;
  };
  return { ranker, verified };
}

/** The ranker's files read and checked: sha256 against the manifest, the model's shape, its feature set. */
function checkedRanker({ ranker, verified }: NonNullable<ReturnType<typeof rankerOf>>): PackRanker {
  const model = validateGbdt(gbdtSchema.parse(JSON.parse(verified(ranker.file).toString('utf8'))));
  if (model.featureSet !== ranker.featureSet)
    throw new Error(
      `ranker file ${ranker.file} was trained on "${model.featureSet}", manifest says "${ranker.featureSet}"`,
    );
  const background = ranker.background ? BackgroundFrequency.fromBytes(verified(ranker.background)) : null;
  return { model, background };
}

/**
 * The ranking model a pack ships, or null when it ships none (search then falls
 * back to score fusion). Its files must be the ones the manifest lists (sha256).
 */
export function readPackRanker(packDir: string): PackRanker | null {
  const found = rankerOf(packDir);
  if (!found) return null;
  const checked = checkedRanker(found);
  // A pack made by a newer DocQA may rank with features this one does not compute.
  if (!computesFeatureSet(checked.model.featureSet, checked.model.features))
    throw new Error(
      `ranker features "${checked.model.featureSet}" are not ones this version of DocQA computes`,
    );
  return checked;
}

/**
 * A pack's ranker as files, to ship in a pack fine-tuned from it: its features are
 * normalised per question, so they mean the same over the fine-tuned towers' channel.
 * Checked by reading it first; null when the pack ships none. One on features this version
 * does not compute (`runsHere` false) is carried as it is: a newer DocQA ranks with it, and
 * this one falls back to score fusion with or without it.
 */
export function readPackRankerFiles(
  packDir: string,
): { manifest: RankerManifest; files: { name: string; bytes: Uint8Array }[]; runsHere: boolean } | null {
  const found = rankerOf(packDir);
  if (!found) return null;
  const { model } = checkedRanker(found);
  const { ranker, verified } = found;
  const names = [ranker.file, ...(ranker.background ? [ranker.background] : [])];
  return {
    manifest: ranker,
    files: names.map((name) => ({ name, bytes: verified(name) })),
    runsHere: computesFeatureSet(model.featureSet, model.features),
  };
}
