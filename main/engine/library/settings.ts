import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import {
  chunkOverlapCharsSchema,
  chunkTargetCharsSchema,
  extractorMemoryMbSchema,
  extractTimeoutSecondsSchema,
  languageSchema,
  maxExtractedCharsSchema,
  maxInflatedBytesSchema,
  maxInflateRatioSchema,
  providerNameSchema,
  themeSchema,
  threadsSchema,
} from '../vocabulary/schemas.js';
import { DEFAULT_INFLATE_LIMITS } from '../ingest/inflateBounds.js';
import { DEFAULT_MAX_EXTRACTED_CHARS } from '../ingest/textLimits.js';
import type { LibrarySettings } from './types.js';

/**
 * Chunk size: paragraph-sized passages read well in an answer card and were
 * the best compromise on the dev sets (main/engine/eval/README.md has the measurement).
 */
export const DEFAULT_SETTINGS: LibrarySettings = {
  packDir: null,
  provider: 'auto',
  questionProvider: null,
  chunkTargetChars: 800,
  chunkOverlapChars: 0,
  threads: 0,
  theme: 'system',
  language: 'system',
  // Bounds on what reading one file may inflate, hold and take (a 918 KB DOCX can inflate to 300 MB).
  // Ordinary documents stay orders of magnitude below them (test/ingest/inflateBounds.test.ts).
  maxInflatedBytes: DEFAULT_INFLATE_LIMITS.maxInflatedBytes,
  maxInflateRatio: DEFAULT_INFLATE_LIMITS.maxInflateRatio,
  maxExtractedChars: DEFAULT_MAX_EXTRACTED_CHARS,
  extractorMemoryMb: 0,
  extractTimeoutSeconds: 600,
  crossLingual: true,
  learning: true,
};

const settingsSchema = z
  .object({
    packDir: z
      .string()
      .min(1)
      .transform((p) => path.resolve(p))
      .nullable(),
    provider: providerNameSchema,
    questionProvider: providerNameSchema.nullable(),
    chunkTargetChars: chunkTargetCharsSchema,
    chunkOverlapChars: chunkOverlapCharsSchema,
    threads: threadsSchema,
    theme: themeSchema,
    language: languageSchema,
    maxInflatedBytes: maxInflatedBytesSchema,
    maxInflateRatio: maxInflateRatioSchema,
    maxExtractedChars: maxExtractedCharsSchema,
    extractorMemoryMb: extractorMemoryMbSchema,
    extractTimeoutSeconds: extractTimeoutSecondsSchema,
    crossLingual: z.boolean(),
    learning: z.boolean(),
  })
  .strict();

/** A validated partial update; unknown keys or bad values are a UserError naming the setting. */
export function parseSettingsPatch(patch: unknown): Partial<LibrarySettings> {
  const result = settingsSchema.partial().safeParse(patch);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key =
      issue?.path.join('.') || (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'settings');
    throw new UserError(`invalid setting ${key}: ${issue?.message ?? 'invalid value'}`, key);
  }
  const value = result.data as Partial<LibrarySettings>;
  const target = value.chunkTargetChars;
  if (target !== undefined && value.chunkOverlapChars !== undefined && value.chunkOverlapChars >= target) {
    throw new UserError(
      'invalid setting chunkOverlapChars: must be smaller than chunkTargetChars',
      'chunkOverlapChars',
    );
  }
  return value;
}

/** Stored values over the defaults; anything stored that no longer validates falls back to its default. */
export function resolveSettings(stored: Record<string, unknown>): LibrarySettings {
  const out: LibrarySettings = { ...DEFAULT_SETTINGS };
  for (const [key, value] of Object.entries(stored)) {
    if (!(key in DEFAULT_SETTINGS)) continue;
    const one = settingsSchema.partial().safeParse({ [key]: value });
    if (one.success) Object.assign(out, one.data);
  }
  return out;
}
