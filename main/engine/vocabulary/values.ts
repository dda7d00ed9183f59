/**
 * The engine's names and limits, written once: the engine validates with them,
 * the API contract and the CLI parse with them, and the Settings page offers
 * them. Plain values with no imports, so the renderer bundles this file as is.
 */

/** Execution providers a person can ask for; 'auto' tries the platform's GPU provider, then the CPU. */
export const PROVIDER_NAMES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** How a question is searched: BM25 and the dense towers fused, or one channel alone. */
export const SEARCH_MODES = ['hybrid', 'dense', 'bm25'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];
export const DEFAULT_SEARCH_MODE: SearchMode = 'hybrid';

/**
 * What the user said of a passage in an answer: 'good' ("this answered it") and 'bad' ("not
 * this") by the buttons; 'open', 'preview' and 'copy' are weaker signals from what was done with it.
 */
export const SIGNAL_KINDS = ['good', 'bad', 'open', 'preview', 'copy'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** 'system' follows the OS/browser language. */
export const LANGUAGES = ['system', 'zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Passages one question returns. */
export const K_LIMITS = { min: 1, max: 100, default: 10 } as const;

/** Longer questions are rejected by the contract; the engine reads only this much of one. */
export const QUESTION_MAX_CHARS = 10_000;

/** Characters of surrounding text a passage preview shows on each side. */
export const PREVIEW_CONTEXT_CHARS = { min: 0, max: 20_000, default: 600 } as const;

/** Target passage length when chunking. */
export const CHUNK_TARGET_CHARS = { min: 100, max: 20_000 } as const;

/** Text repeated between neighbouring passages; also below the target length. */
export const CHUNK_OVERLAP_CHARS = { min: 0, max: 5_000 } as const;

/** Worker threads for ingest and embedding; 0 = choose from the CPU count. */
export const THREADS = { min: 0, max: 64 } as const;

/** A list as a sentence names it, for messages and help: "hybrid, dense or bm25". */
export function inWords(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** Bounds on reading one file (ingest/inflateBounds.ts, ingest/textLimits.ts): the settings' ranges. */
export const MAX_INFLATED_BYTES = { min: 1024 * 1024, max: 2 * 1024 ** 3 } as const;
export const MAX_INFLATE_RATIO = { min: 10, max: 100_000 } as const;
/** V8's longest string is ~2^29 code units. */
export const MAX_EXTRACTED_CHARS = { min: 10_000, max: 512 * 1024 * 1024 } as const;
/** Heap limit of the file-reading thread in MB; 0 = V8's default. */
export const EXTRACTOR_MEMORY_MB = { min: 32, max: 1024 * 1024 } as const;
export const EXTRACT_TIMEOUT_SECONDS = { min: 1, max: 24 * 3600 } as const;
