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
      param[p] = x;
    }
  }
}
