import { Adam } from '../train/adam.js';

/**
 * The question side of the towers, adapted to one user: q' = normalise(q + W·q), a
 * residual projection of the question tower's vector. The answer tower is untouched,
 * so no passage is re-embedded; W = 0 is exactly the pack's own question tower.
 */
export function adaptQuestion(adapter: Float32Array, q: Float32Array): Float32Array {
  const out = new Float32Array(q.length);
  const norm = residual(adapter, q, out);
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/** Writes u = q + W·q into `out` and returns |u| (1 for a zero vector). */
function residual(adapter: Float32Array, q: Float32Array, out: Float32Array): number {
  const dim = q.length;
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    let s = q[i];
    const row = i * dim;
    for (let k = 0; k < dim; k++) s += adapter[row + k] * q[k];
    out[i] = s;
    norm += s * s;
  }
  return Math.sqrt(norm) || 1;
}

/** One question the user answered: its tower vector, the passage that answered it and those that did not. */
export interface AdapterExample {
  question: Float32Array;
  positive: Float32Array;
  negatives: Float32Array[];
  /** How much this example counts (a "good" weighs more than an opened file). */
  weight: number;
}

export interface AdapterTraining {
  /** Full-batch Adam steps. */
  steps: number;
  lr: number;
  /** Pull toward W = 0 (the pack's own tower) at every step. */
  decay: number;
  /** Softmax temperature: cosines of the hashed towers spread over ~0.1-0.6. */
  scale: number;
  /** Examples per step (a seeded sample when there are more): a step's cost stays flat as signals grow. */
  batch: number;
  /** Called between steps so a long run can yield to questions (low priority). */
  onStep?: (step: number) => Promise<void> | void;
}

export const ADAPTER_TRAINING: AdapterTraining = { steps: 60, lr: 2e-3, decay: 0.05, scale: 20, batch: 128 };

/**
 * Trains W by softmax cross-entropy of the chosen passage against the passages shown
 * above it (the skipped ones), the ones marked "not this", and the other examples'
 * chosen passages (in-batch negatives).
 */
export async function trainQuestionAdapter(
  examples: readonly AdapterExample[],
  dim: number,
  options: AdapterTraining = ADAPTER_TRAINING,
): Promise<Float32Array> {
  const adapter = new Float32Array(dim * dim);
  if (!examples.length) return adapter;
  const adam = new Adam(adapter, { lr: options.lr, decay: options.decay });
  const grad = new Float32Array(dim * dim);
  const u = new Float32Array(dim);
  const g = new Float32Array(dim);
  const inBatch = examples.map((e) => e.positive);
  let seed = 0x9e3779b9;
  const nextIndex = () => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed % examples.length;
  };
  for (let step = 0; step < options.steps; step++) {
    grad.fill(0);
    const batch =
      examples.length <= options.batch
        ? examples.map((_, i) => i)
        : Array.from({ length: options.batch }, nextIndex);
    const totalWeight = batch.reduce((s, i) => s + examples[i].weight, 0);
    for (const n of batch) {
      const e = examples[n];
      const q = e.question;
      // u = q + W q, q' = u / |u|
      const norm = residual(adapter, q, u);
      const candidates = [e.positive, ...e.negatives];
      for (let m = 0; m < inBatch.length && candidates.length < e.negatives.length + 9; m++) {
        const other = inBatch[(n + 1 + m * 7) % inBatch.length];
        if (other !== e.positive) candidates.push(other);
      }
      const logits = candidates.map((a) => {
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += a[i] * u[i];
        return (options.scale * dot) / norm;
      });
      const max = Math.max(...logits);
      const exps = logits.map((l) => Math.exp(l - max));
      const sum = exps.reduce((s, x) => s + x, 0);
      // dL/dq' = scale * Σ (p_j − y_j) a_j
      g.fill(0);
      for (let j = 0; j < candidates.length; j++) {
        const c = (exps[j] / sum - (j === 0 ? 1 : 0)) * options.scale;
        const a = candidates[j];
        for (let i = 0; i < dim; i++) g[i] += c * a[i];
      }
      // dL/du = (g − (g·q') q') / |u|, dL/dW = dL/du ⊗ q
      let gq = 0;
      for (let i = 0; i < dim; i++) gq += (g[i] * u[i]) / norm;
      const w = e.weight / totalWeight;
      for (let i = 0; i < dim; i++) {
        const du = ((g[i] - (gq * u[i]) / norm) / norm) * w;
        if (du === 0) continue;
        const row = i * dim;
        for (let k = 0; k < dim; k++) grad[row + k] += du * q[k];
      }
    }
    adam.stepDense(grad);
    await options.onStep?.(step);
  }
  return adapter;
}
