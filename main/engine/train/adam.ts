import type { SparseRowGrad } from './sparseGrad.js';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /**
   * Decoupled decay toward `anchor` (the initial values), applied to the rows a
   * step touches: keeps a fine-tuned table near its lexical starting point.
   */
  decay?: number;
  anchor?: Float32Array | null;
  /** Clamp updated values at ≥ 0 (term weights: a term never counts against a match). */
  nonNegative?: boolean;
}

/**
 * Adam over one parameter array. Sparse steps update only the rows in the
 * gradient (lazy Adam: untouched rows keep stale moments), which is what makes
 * a 2^18-row table trainable at batch speed.
 */
export class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(
    readonly param: Float32Array,
    private readonly options: AdamOptions,
  ) {
    this.m = new Float32Array(param.length);
    this.v = new Float32Array(param.length);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
  }

  stepSparse(grad: SparseRowGrad, lrScale = 1): void {
    this.t++;
    const w = grad.width;
    const g = grad.values;
    for (let i = 0; i < grad.size; i++) {
      this.update(grad.rowAt(i) * w, g, i * w, w, lrScale);
    }
  }

  stepDense(grad: Float32Array, lrScale = 1): void {
    this.t++;
    this.update(0, grad, 0, grad.length, lrScale);
  }

  private update(at: number, g: Float32Array, from: number, len: number, lrScale: number): void {
    const { param, m, v, beta1, beta2, eps } = this;
    const lr = this.options.lr * lrScale;
    const c1 = 1 - Math.pow(beta1, this.t);
    const c2 = 1 - Math.pow(beta2, this.t);
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    const decay = this.options.decay ? lr * this.options.decay : 0;
    const anchor = this.options.anchor ?? null;
    for (let k = 0; k < len; k++) {
      const p = at + k;
      const gk = g[from + k]!;
      const mk = (m[p] = beta1 * m[p]! + (1 - beta1) * gk);
      const vk = (v[p] = beta2 * v[p]! + (1 - beta2) * gk * gk);
      let x = param[p]! - (stepSize * mk) / (Math.sqrt(vk) + eps);
      if (decay !== 0) x -= decay * (x - (anchor ? anchor[p]! : 0));
      param[p] = this.options.nonNegative && x < 0 ? 0 : x;
    }
  }
}

/**
 * Row-wise Adagrad: one accumulator per table row (the mean squared gradient of
 * the row), the usual optimiser for large embedding tables — a third of Adam's
 * arithmetic per touched element and no per-element state.
 */
export class RowAdagrad {
  private readonly acc: Float32Array;

  constructor(
    readonly param: Float32Array,
    readonly width: number,
    private readonly options: AdamOptions,
  ) {
    this.acc = new Float32Array(param.length / width);
  }

  stepSparse(grad: SparseRowGrad, lrScale = 1): void {
    const w = this.width;
    const g = grad.values;
    const lr = this.options.lr * lrScale;
    const eps = this.options.eps ?? 1e-8;
    const decay = this.options.decay ? lr * this.options.decay : 0;
    const anchor = this.options.anchor ?? null;
    const { param, acc } = this;
    for (let i = 0; i < grad.size; i++) {
      const row = grad.rowAt(i);
      const from = i * w;
      let ss = 0;
      for (let k = 0; k < w; k++) ss += g[from + k]! * g[from + k]!;
      const a = (acc[row] = acc[row]! + ss / w);
      const step = lr / (Math.sqrt(a) + eps);
      const at = row * w;
      for (let k = 0; k < w; k++) {
        let x = param[at + k]! - step * g[from + k]!;
        if (decay !== 0) x -= decay * (x - (anchor ? anchor[at + k]! : 0));
        param[at + k] = x;
      }
    }
  }
}
