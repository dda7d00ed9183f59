/**
 * The zod schemas of the engine's names and limits (values.ts), shared by the
 * engine's settings, the API contract and the CLI.
 */
import { z } from 'zod';
import {
  CHUNK_OVERLAP_CHARS,
  CHUNK_TARGET_CHARS,
  EXTRACT_TIMEOUT_SECONDS,
  EXTRACTOR_MEMORY_MB,
  MAX_EXTRACTED_CHARS,
  MAX_INFLATE_RATIO,
  MAX_INFLATED_BYTES,
  K_LIMITS,
  LANGUAGES,
  PREVIEW_CONTEXT_CHARS,
  PROVIDER_NAMES,
  QUESTION_MAX_CHARS,
  SEARCH_MODES,
  THEMES,
  THREADS,
} from './values.js';

const wholeNumber = (limits: { min: number; max: number }) =>
  z.number().int().min(limits.min).max(limits.max);

export const providerNameSchema = z.enum(PROVIDER_NAMES);
export const searchModeSchema = z.enum(SEARCH_MODES);
export const themeSchema = z.enum(THEMES);
export const languageSchema = z.enum(LANGUAGES);

export const questionSchema = z
  .string()
  .trim()
  .min(1, 'the question is empty')
  .max(QUESTION_MAX_CHARS, 'the question is too long');
export const kSchema = wholeNumber(K_LIMITS);
export const previewContextCharsSchema = wholeNumber(PREVIEW_CONTEXT_CHARS);
export const chunkTargetCharsSchema = wholeNumber(CHUNK_TARGET_CHARS);
export const chunkOverlapCharsSchema = wholeNumber(CHUNK_OVERLAP_CHARS);
export const threadsSchema = wholeNumber(THREADS);
export const maxInflatedBytesSchema = wholeNumber(MAX_INFLATED_BYTES);
export const maxInflateRatioSchema = wholeNumber(MAX_INFLATE_RATIO);
export const maxExtractedCharsSchema = wholeNumber(MAX_EXTRACTED_CHARS);
export const extractorMemoryMbSchema = z.union([z.literal(0), wholeNumber(EXTRACTOR_MEMORY_MB)]);
export const extractTimeoutSecondsSchema = wholeNumber(EXTRACT_TIMEOUT_SECONDS);
