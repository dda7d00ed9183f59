import type { ProviderName } from '../vocabulary/values.js';
import type { FeatureRole, FeaturizerSpec } from './featurizerSpec.js';

/** What a tower pool (caller's thread) and hashedTower.worker.ts exchange. */
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

/** What hashedTower.worker.ts serves: `ready` answers once the model is loaded (or fails with why not). */
export type TowerWorkerMethods = {
  ready: { params: undefined; result: { active: string; fallbackReason: string | null; dim: number } };
  embed: { params: string[]; result: Float32Array };
};
