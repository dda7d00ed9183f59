import type { ProviderName } from '../vocabulary/values.js';

/** Identity of one tower, recorded in the index with the vectors it made. */
export interface TowerId {
  pack: string;
  version: string;
  /** sha256 over the tower's ONNX file(s) and the featurizer/tokenizer spec it depends on. */
  hash: string;
}

export interface ActiveProvider {
  requested: ProviderName;
  /** The execution provider the sessions actually run on, e.g. 'cpu'. */
  active: string;
  /** Why the requested provider is not the active one, if it is not. */
  fallbackReason: string | null;
}

/**
 * A loaded pair of towers. Both methods return row-major N×dim float32 rows,
 * L2-normalised, so relevance is a dot product. Prefixes/instructions the pack
 * needs (e.g. e5's `query: `/`passage: `) are applied inside; callers pass raw text.
 */
export interface TowerPack {
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly kind: 'hashed-ngram' | 'transformer';
  readonly dim: number;
  readonly questionTower: TowerId;
  readonly answerTower: TowerId;
  readonly provider: ActiveProvider;
  /** The parsed manifest.json (validated). */
  readonly manifest: Record<string, unknown>;
  embedQuestions(texts: string[]): Promise<Float32Array>;
  embedAnswers(texts: string[]): Promise<Float32Array>;
  close(): Promise<void>;
}

export interface OpenPackOptions {
  provider?: ProviderName;
  /** The question tower's provider when it should differ from `provider` (per-tower choice). */
  questionProvider?: ProviderName;
  /** ORT intra-op threads per session. */
  threads?: number;
  /** Worker threads running the answer tower (batches are spread over them). */
  workers?: number;
  /**
   * Start the answer tower's workers at the first embedAnswers instead of at
   * open: for a pack opened to embed questions only (a library answering
   * questions), which would otherwise load the model `workers` more times for
   * nothing and make close wait for those loads. Hashed packs only for now.
   */
  lazyAnswers?: boolean;
}
