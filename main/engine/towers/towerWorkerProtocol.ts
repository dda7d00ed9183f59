import type { ProviderName } from '../library/types.js';
import type { FeatureRole, FeaturizerSpec } from './featurizerSpec.js';

/** Messages between a tower pool (caller's thread) and hashedTower.worker.ts. */
export interface TowerWorkerInit {
  /** Absolute path of the tower's ONNX file (external data resolves beside it). */
  model: string;
  featurizer: FeaturizerSpec;
  role: FeatureRole;
  provider: ProviderName;
  threads: number;
  /** Padded feature slots (rows × L) per ONNX run. */
  batchFeatures: number;
  /** Shared flag: has the worker begun calling into ORT (workers/stopWorker.ts)? */
  ortGate?: Int32Array;
}

export type TowerWorkerRequest = { type: 'embed'; id: number; texts: string[] } | { type: 'close' };

export type TowerWorkerReply =
  | { type: 'ready'; active: string; fallbackReason: string | null; dim: number }
  | { type: 'init-error'; message: string }
  | { type: 'result'; id: number; data: Float32Array }
  | { type: 'error'; id: number; message: string };
