/**
 * A tiny BERT-architecture encoder built by test code: token + position +
 * segment embeddings, LayerNorm, `layers` × (multi-head self-attention with
 * the attention mask, residual + LayerNorm, GELU feed-forward, residual +
 * LayerNorm), output `last_hidden_state` [N, L, H]. Random seeded weights.
 *
 * `referenceStates` is an independent plain-JS forward pass (float64, one
 * unpadded text at a time) that tests compare the pack's output against.
 */
import {
  encodeModel,
  rawBytes,
  type AttributeValue,
  type ModelSpec,
} from '../../main/engine/towers/onnx/onnxModel.js';

export interface TinyEncoderOptions {
  vocabSize: number;
  hidden?: number;
  heads?: number;
  layers?: number;
  ffn?: number;
  maxPositions?: number;
  seed?: number;
  /** Declare a token_type_ids input (BERT exports have it; some do not). */
  tokenTypes?: boolean;
  /** Cast the output to float16, as fp16 exports do. */
  float16Output?: boolean;
}

interface Layer {
  wq: Float32Array;
  bq: Float32Array;
  wk: Float32Array;
  bk: Float32Array;
  wv: Float32Array;
  bv: Float32Array;
  wo: Float32Array;
  bo: Float32Array;
  ln1g: Float32Array;
  ln1b: Float32Array;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
  ln2g: Float32Array;
  ln2b: Float32Array;
}

export interface TinyEncoder {
  onnx: Uint8Array;
  hidden: number;
  /** Token states [L][H] for one unpadded sequence (all mask 1, segment 0). */
  referenceStates(ids: number[]): Float64Array[];
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 0x100000000) * 2 - 1;
  };
}

export function buildTinyEncoder(o: TinyEncoderOptions): TinyEncoder {
  const H = o.hidden ?? 32;
  const heads = o.heads ?? 2;
  const hd = H / heads;
  const F = o.ffn ?? 64;
  const P = o.maxPositions ?? 128;
  const nLayers = o.layers ?? 2;
  const r = rng(o.seed ?? 7);
  const mat = (n: number, scale = 0.3) => Float32Array.from({ length: n }, () => r() * scale);
  const gain = (n: number) => Float32Array.from({ length: n }, () => 1 + r() * 0.1);

  const wWord = mat(o.vocabSize * H, 1);
  const wPos = mat(P * H, 0.5);
  const wType = mat(2 * H, 0.5);
  const lnEg = gain(H);
  const lnEb = mat(H, 0.1);
  const layers: Layer[] = Array.from({ length: nLayers }, () => ({
    wq: mat(H * H),
    bq: mat(H, 0.1),
    wk: mat(H * H),
    bk: mat(H, 0.1),
    wv: mat(H * H),
    bv: mat(H, 0.1),
    wo: mat(H * H),
    bo: mat(H, 0.1),
    ln1g: gain(H),
    ln1b: mat(H, 0.1),
    w1: mat(H * F),
    b1: mat(F, 0.1),
    w2: mat(F * H),
    b2: mat(H, 0.1),
    ln2g: gain(H),
    ln2b: mat(H, 0.1),
  }));

  // Built with the towers runtime's ONNX writer.
  const g: ModelSpec = {
    graphName: 'tiny_bert',
    opset: 17,
    nodes: [],
    initializers: [],
    inputs: [],
    outputs: [],
  };
  const init = (name: string, dims: number[], data: Float32Array | BigInt64Array) => {
    g.initializers.push({
      name,
      dims,
      dataType: data instanceof Float32Array ? 'float32' : 'int64',
      data: rawBytes(data),
    });
    return name;
  };
  let n = 0;
  const node = (op: string, inputs: string[], attrs: Record<string, number | number[]> = {}): string => {
    const out = `${op.toLowerCase()}_${n++}`;
    const attributes: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(attrs))
      attributes[k] = Array.isArray(v) ? { ints: v } : k === 'epsilon' ? { float: v } : { int: v };
    g.nodes.push({ op, inputs, outputs: [out], attributes });
    return out;
  };
  const i64 = (name: string, values: number[]) =>
    init(name, [values.length], BigInt64Array.from(values.map(BigInt)));
  const scalarF = (name: string, v: number) => init(name, [], Float32Array.of(v));

  g.inputs.push({ name: 'input_ids', dataType: 'int64', shape: ['batch', 'sequence'] });
  g.inputs.push({ name: 'attention_mask', dataType: 'int64', shape: ['batch', 'sequence'] });
  if (o.tokenTypes ?? true)
    g.inputs.push({ name: 'token_type_ids', dataType: 'int64', shape: ['batch', 'sequence'] });

  // Embeddings.
  const word = node('Gather', [init('w_word', [o.vocabSize, H], wWord), 'input_ids'], { axis: 0 });
  const seqLen = node('Gather', [node('Shape', ['input_ids']), i64('one_idx', [1])], { axis: 0 });
  const positions = node('Range', [
    init('zero_i', [], BigInt64Array.of(0n)),
    node('Squeeze', [seqLen]),
    init('one_i', [], BigInt64Array.of(1n)),
  ]);
  const pos = node('Gather', [init('w_pos', [P, H], wPos), positions], { axis: 0 });
  let x = node('Add', [word, pos]);
  if (o.tokenTypes ?? true)
    x = node('Add', [x, node('Gather', [init('w_type', [2, H], wType), 'token_type_ids'], { axis: 0 })]);
  x = node('LayerNormalization', [x, init('ln_e_g', [H], lnEg), init('ln_e_b', [H], lnEb)], {
    axis: 2,
    epsilon: 1e-12,
  });

  // Additive mask: 0 where attended, -10000 on padding, shaped [N, 1, 1, L].
  const maskF = node('Cast', ['attention_mask'], { to: 1 });
  const maskBias = node('Unsqueeze', [
    node('Mul', [node('Sub', [scalarF('one_f', 1), maskF]), scalarF('neg_big', -10000)]),
    i64('axes_12', [1, 2]),
  ]);
  const splitShape = i64('split_shape', [0, 0, heads, hd]);
  const mergeShape = i64('merge_shape', [0, 0, H]);

  layers.forEach((l, k) => {
    const lin = (inp: string, w: Float32Array, b: Float32Array, din: number, dout: number, tag: string) =>
      node('Add', [
        node('MatMul', [inp, init(`l${k}_${tag}_w`, [din, dout], w)]),
        init(`l${k}_${tag}_b`, [dout], b),
      ]);
    const splitHeads = (t: string, perm: number[]) =>
      node('Transpose', [node('Reshape', [t, splitShape])], { perm });
    const q = splitHeads(lin(x, l.wq, l.bq, H, H, 'q'), [0, 2, 1, 3]);
    const kT = splitHeads(lin(x, l.wk, l.bk, H, H, 'k'), [0, 2, 3, 1]);
    const v = splitHeads(lin(x, l.wv, l.bv, H, H, 'v'), [0, 2, 1, 3]);
    const scores = node('Add', [
      node('Div', [node('MatMul', [q, kT]), scalarF(`l${k}_sqrt_hd`, Math.sqrt(hd))]),
      maskBias,
    ]);
    const ctx = node('MatMul', [node('Softmax', [scores], { axis: 3 }), v]);
    const merged = node('Reshape', [node('Transpose', [ctx], { perm: [0, 2, 1, 3] }), mergeShape]);
    const attn = lin(merged, l.wo, l.bo, H, H, 'o');
    x = node(
      'LayerNormalization',
      [node('Add', [x, attn]), init(`l${k}_ln1_g`, [H], l.ln1g), init(`l${k}_ln1_b`, [H], l.ln1b)],
      { axis: 2, epsilon: 1e-12 },
    );
    const h1 = lin(x, l.w1, l.b1, H, F, 'ff1');
    // GELU, erf form: 0.5·h·(1 + erf(h/√2)).
    const gelu = node('Mul', [
      node('Mul', [h1, scalarF(`l${k}_half`, 0.5)]),
      node('Add', [
        node('Erf', [node('Div', [h1, scalarF(`l${k}_sqrt2`, Math.SQRT2)])]),
        scalarF(`l${k}_one`, 1),
      ]),
    ]);
    const ff = lin(gelu, l.w2, l.b2, F, H, 'ff2');
    x = node(
      'LayerNormalization',
      [node('Add', [x, ff]), init(`l${k}_ln2_g`, [H], l.ln2g), init(`l${k}_ln2_b`, [H], l.ln2b)],
      { axis: 2, epsilon: 1e-12 },
    );
  });

  if (o.float16Output) x = node('Cast', [x], { to: 10 });
  g.nodes.push({ op: 'Identity', inputs: [x], outputs: ['last_hidden_state'] });
  g.outputs.push({
    name: 'last_hidden_state',
    dataType: o.float16Output ? 'float16' : 'float32',
    shape: ['batch', 'sequence', H],
  });

  const referenceStates = (ids: number[]): Float64Array[] => {
    const L = ids.length;
    const row = (m: Float32Array, i: number, w: number) => Float64Array.from(m.subarray(i * w, (i + 1) * w));
    const layerNorm = (v: Float64Array, gm: Float32Array, bt: Float32Array) => {
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
      return v.map((e, j) => ((e - mean) / Math.sqrt(variance + 1e-12)) * gm[j] + bt[j]);
    };
    const affine = (v: Float64Array, w: Float32Array, b: Float32Array, din: number, dout: number) => {
      const out = Float64Array.from(b);
      for (let i = 0; i < din; i++) for (let j = 0; j < dout; j++) out[j] += v[i] * w[i * dout + j];
      return out;
    };
    let xs = ids.map((id, t) => {
      const e = row(wWord, id, H).map(
        (val, j) => val + wPos[t * H + j] + ((o.tokenTypes ?? true) ? wType[j] : 0),
      );
      return layerNorm(e, lnEg, lnEb);
    });
    for (const l of layers) {
      const Q = xs.map((v) => affine(v, l.wq, l.bq, H, H));
      const K = xs.map((v) => affine(v, l.wk, l.bk, H, H));
      const V = xs.map((v) => affine(v, l.wv, l.bv, H, H));
      const ctx = xs.map(() => new Float64Array(H));
      for (let h = 0; h < heads; h++) {
        for (let i = 0; i < L; i++) {
          const s = Array.from({ length: L }, (_, j) => {
            let dot = 0;
            for (let d = 0; d < hd; d++) dot += Q[i][h * hd + d] * K[j][h * hd + d];
            return dot / Math.sqrt(hd);
          });
          const mx = Math.max(...s);
          const e = s.map((val) => Math.exp(val - mx));
          const z = e.reduce((a, b) => a + b, 0);
          for (let j = 0; j < L; j++)
            for (let d = 0; d < hd; d++) ctx[i][h * hd + d] += (e[j] / z) * V[j][h * hd + d];
        }
      }
      xs = xs.map((v, i) => {
        const a = affine(ctx[i], l.wo, l.bo, H, H);
        const y = layerNorm(
          v.map((val, j) => val + a[j]),
          l.ln1g,
          l.ln1b,
        );
        const h1 = affine(y, l.w1, l.b1, H, F).map((val) => 0.5 * val * (1 + erf(val / Math.SQRT2)));
        const f = affine(h1, l.w2, l.b2, F, H);
        return layerNorm(
          y.map((val, j) => val + f[j]),
          l.ln2g,
          l.ln2b,
        );
      });
    }
    return xs;
  };

  return { onnx: encodeModel(g), hidden: H, referenceStates };
}

/** erf to ~1e-12 (Abramowitz–Stegun 7.1.26 is too coarse for a 1e-5 comparison): series / continued fraction. */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = ax;
    let term = ax;
    for (let n = 1; n < 60; n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}

/** Mean over tokens, then L2 — the reference pooling the pack must match. */
export function referenceMeanPool(states: Float64Array[]): Float64Array {
  const H = states[0].length;
  const m = new Float64Array(H);
  for (const s of states) for (let j = 0; j < H; j++) m[j] += s[j] / states.length;
  const norm = Math.hypot(...m);
  return m.map((v) => v / norm);
}

export function referenceClsPool(states: Float64Array[]): Float64Array {
  const norm = Math.hypot(...states[0]);
  return states[0].map((v) => v / norm);
}
