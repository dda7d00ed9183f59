import { fromFloat16Bits, toFloat16Array } from './float16.js';
import {
  encodeModel,
  rawBytes,
  type EncodeOptions,
  type ModelSpec,
  type NodeSpec,
  type TensorSpec,
} from './onnxModel.js';

/**
 * The hashed n-gram tower: a weighted bag of embedding-table rows, pooled,
 * optionally projected, L2-normalised.
 *
 *   inputs   ids int32 [N, L] (bucket ids, 0 = padding), weights float32 [N, L]
 *   w        = weights × termWeights[ids]                  (termWeights optional)
 *   pooled   = Σ_l w[l] · table[ids[l]]                     (rows dequantised)
 *   pooling  'sum': pooled; 'mean': pooled / max(Σ w, ε); 'sqrtn': pooled / max(√Σ w², ε)
 *   [normalizePooled] pooled = pooled / max(‖pooled‖, ε)
 *   [projection]      h = act(pooled · W + b) (+ pooled when residual), W is [dimIn, dim]
 *   output   embedding float32 [N, dim] = h / max(‖h‖, ε)
 *
 * Padding (id 0, weight 0) contributes nothing, so a row without features is
 * the zero vector, never NaN. Table storage: float32; float16 (Cast after
 * Gather); int8 with one float32 scale per row, the scale folded into the
 * per-feature weight before the sum (Σ w·s·q) so only one [N, L, dimIn] tensor
 * is materialised. Ids are int32: Gather accepts them and the featurizer
 * produces them, so no int64 conversion per feature.
 *
 * `int8Compute: 'integer'` (int8 tables only) skips the float copy of the
 * gathered rows: each text's scaled weights w·s are quantised to uint8 in
 * 0…127 with a per-text scale (max w·s / 127, round half to even,
 * QuantizeLinear along axis 0), summed against the int8 rows by MatMulInteger
 * (int32), then scaled back. About twice as fast as 'dequantize' here; the
 * weights lose precision (each within half a step of max/127 of its own
 * text), never depending on what else is in the batch.
 *
 * Why 7 bits and not 8: on x86 CPUs without VNNI (AVX2 only) ORT's u8×s8
 * kernel adds the products of two neighbouring k in 16 bits with saturation
 * (vpmaddubsw). 255 × 127 × 2 overflows int16, so 8-bit weights gave vectors
 * that depended on the CPU (off by up to 0.07 on an AVX2 EPYC); with weights
 * ≤ 127, |pair| ≤ 127 × 128 × 2 = 32512 fits, and every CPU computes the same
 * exact int32 sums (ORT's quantiser calls this `reduce_range`).
 */
export type TableStorage =
  | { dtype: 'float32'; data: Float32Array }
  | { dtype: 'float16'; data: Uint16Array }
  | { dtype: 'int8'; data: Int8Array; scales: Float32Array };

export type Pooling = 'sum' | 'mean' | 'sqrtn';
export type Activation = 'none' | 'tanh' | 'relu';

export interface Projection {
  /** Row-major [dimIn, dim]. */
  weight: Float32Array;
  dim: number;
  bias?: Float32Array;
  activation?: Activation;
  /** Add the pooled vector to the projection's output (needs dim = dimIn). */
  residual?: boolean;
}

export interface HashedTowerParams {
  /** Table rows = 2^log2Buckets of the featurizer. */
  rows: number;
  dimIn: number;
  table: TableStorage;
  /** Per-bucket scalar multiplied into the input weights (learned or IDF term weights). */
  termWeights?: Float32Array;
  pooling: Pooling;
  normalizePooled?: boolean;
  projection?: Projection;
  /** How an int8 table is summed (see above); default 'dequantize'. */
  int8Compute?: 'dequantize' | 'integer';
}

export const EPSILON = 1e-12;
export const OPSET = 17;

export function towerDim(params: HashedTowerParams): number {
  return params.projection?.dim ?? params.dimIn;
}

export function checkTowerParams(p: HashedTowerParams): void {
  const fail = (what: string): never => {
    throw new RangeError(`hashed tower: ${what}`);
  };
  if (!Number.isInteger(p.rows) || p.rows < 2) fail(`rows must be an integer ≥ 2 (got ${p.rows})`);
  if (!Number.isInteger(p.dimIn) || p.dimIn < 1) fail(`dimIn must be a positive integer (got ${p.dimIn})`);
  if (p.table.data.length !== p.rows * p.dimIn)
    fail(`table has ${p.table.data.length} values, expected rows × dimIn = ${p.rows * p.dimIn}`);
  if (p.table.dtype === 'int8' && p.table.scales.length !== p.rows) fail(`int8 table needs ${p.rows} scales`);
  if (p.termWeights && p.termWeights.length !== p.rows) fail(`termWeights needs ${p.rows} values`);
  if (p.int8Compute === 'integer' && p.table.dtype !== 'int8')
    fail(`int8Compute 'integer' needs an int8 table`);
  const proj = p.projection;
  if (proj) {
    if (proj.weight.length !== p.dimIn * proj.dim)
      fail(`projection weight must be dimIn × dim = ${p.dimIn * proj.dim} values`);
    if (proj.bias && proj.bias.length !== proj.dim) fail(`projection bias must have ${proj.dim} values`);
    if (proj.residual && proj.dim !== p.dimIn) fail('a residual projection needs dim = dimIn');
  }
}

/** Store a float32 table as float16, or int8 with a symmetric per-row scale (max |x| / 127). */
export function quantizeTable(data: Float32Array, dim: number, dtype: TableStorage['dtype']): TableStorage {
  if (dtype === 'float32') return { dtype, data };
  if (dtype === 'float16') return { dtype, data: toFloat16Array(data) };
  const rows = data.length / dim;
  const q = new Int8Array(data.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let i = r * dim; i < (r + 1) * dim; i++) max = Math.max(max, Math.abs(data[i]!));
    if (max === 0) continue;
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    for (let i = r * dim; i < (r + 1) * dim; i++)
      q[i] = Math.max(-127, Math.min(127, Math.round(data[i]! / scale)));
  }
  return { dtype, data: q, scales };
}

/** One table row, dequantised, added with weight `w` into `acc`. */
function addRow(t: TableStorage, row: number, dim: number, w: number, acc: Float64Array): void {
  const base = row * dim;
  if (t.dtype === 'float32') for (let d = 0; d < dim; d++) acc[d] += w * t.data[base + d]!;
  else if (t.dtype === 'float16')
    for (let d = 0; d < dim; d++) acc[d] += w * fromFloat16Bits(t.data[base + d]!);
  else {
    const ws = w * t.scales[row]!;
    for (let d = 0; d < dim; d++) acc[d] += ws * t.data[base + d]!;
  }
}

/**
 * Largest uint8 weight of the 'integer' path: 7 bits, so a pair of u8×s8
 * products never saturates a 16-bit lane (see the file comment).
 */
export const INTEGER_WEIGHT_MAX = 127;

/** Round half to even, as QuantizeLinear does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * One text's scaled weights w·s as the 'integer' graph quantises them
 * (float32 steps as ORT takes them): uint8 levels 0…INTEGER_WEIGHT_MAX and the
 * per-text scale that maps them back.
 */
export function quantizeTextWeights(ws: ArrayLike<number>): { levels: Uint8Array; scale: number } {
  const f = Math.fround;
  let max = 0;
  for (let j = 0; j < ws.length; j++) max = Math.max(max, ws[j]!);
  const scale = f(f(Math.max(max, EPSILON)) / INTEGER_WEIGHT_MAX);
  const levels = new Uint8Array(ws.length);
  for (let j = 0; j < ws.length; j++)
    levels[j] = Math.min(INTEGER_WEIGHT_MAX, Math.max(0, roundHalfEven(f(ws[j]! / scale))));
  return { levels, scale };
}

/** The 'integer' sum of one text (float32 steps as ORT takes them), into `acc`. */
function addRowsInteger(
  t: Extract<TableStorage, { dtype: 'int8' }>,
  ids: Int32Array,
  weights: Float32Array,
  termWeights: Float32Array | undefined,
  from: number,
  to: number,
  dim: number,
  acc: Float64Array,
): void {
  const f = Math.fround;
  const ws = new Float64Array(to - from);
  for (let j = from; j < to; j++) {
    const id = ids[j]!;
    const w = termWeights ? f(weights[j]! * termWeights[id]!) : weights[j]!;
    ws[j - from] = f(w * t.scales[id]!);
  }
  const { levels, scale } = quantizeTextWeights(ws);
  const sums = new Float64Array(dim);
  for (let j = from; j < to; j++) {
    const q = levels[j - from]!;
    if (q === 0) continue;
    const base = ids[j]! * dim;
    for (let d = 0; d < dim; d++) sums[d] += q * t.data[base + d]!;
  }
  for (let d = 0; d < dim; d++) acc[d] += f(f(sums[d]!) * scale);
}

function l2normalize(v: Float64Array): void {
  let ss = 0;
  for (const x of v) ss += x * x;
  const n = Math.max(Math.sqrt(ss), EPSILON);
  for (let i = 0; i < v.length; i++) v[i]! /= n;
}

/**
 * Reference forward pass in plain JS, same semantics as the ONNX graph
 * (float64 accumulation). ids/weights are row-major [n, l].
 */
export function forwardHashedTower(
  params: HashedTowerParams,
  ids: Int32Array,
  weights: Float32Array,
  n: number,
  l: number,
): Float32Array {
  const { dimIn, table, termWeights, projection: proj } = params;
  const dim = towerDim(params);
  const out = new Float32Array(n * dim);
  const pooled = new Float64Array(dimIn);
  const h = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    pooled.fill(0);
    let sumW = 0;
    let sumW2 = 0;
    for (let j = r * l; j < (r + 1) * l; j++) {
      const w = weights[j]! * (termWeights ? termWeights[ids[j]!]! : 1);
      sumW += w;
      sumW2 += w * w;
    }
    if (params.int8Compute === 'integer' && table.dtype === 'int8') {
      addRowsInteger(table, ids, weights, termWeights, r * l, (r + 1) * l, dimIn, pooled);
    } else {
      for (let j = r * l; j < (r + 1) * l; j++) {
        const w = weights[j]! * (termWeights ? termWeights[ids[j]!]! : 1);
        if (w !== 0) addRow(table, ids[j]!, dimIn, w, pooled);
      }
    }
    const denom =
      params.pooling === 'mean'
        ? Math.max(sumW, EPSILON)
        : params.pooling === 'sqrtn'
          ? Math.max(Math.sqrt(sumW2), EPSILON)
          : 1;
    for (let d = 0; d < dimIn; d++) pooled[d]! /= denom;
    if (params.normalizePooled) l2normalize(pooled);
    if (proj) {
      for (let o = 0; o < dim; o++) {
        let s = proj.bias ? proj.bias[o]! : 0;
        for (let d = 0; d < dimIn; d++) s += pooled[d]! * proj.weight[d * dim + o]!;
        if (proj.activation === 'tanh') s = Math.tanh(s);
        else if (proj.activation === 'relu') s = Math.max(0, s);
        h[o] = proj.residual ? s + pooled[o]! : s;
      }
    } else {
      h.set(pooled);
    }
    l2normalize(h);
    for (let o = 0; o < dim; o++) out[r * dim + o] = h[o]!;
  }
  return out;
}

/** The tower as an ONNX model description (see the file comment for the graph). */
export function hashedTowerModelSpec(params: HashedTowerParams, name = 'hashed_tower'): ModelSpec {
  checkTowerParams(params);
  const { rows, dimIn, table } = params;
  const dim = towerDim(params);
  const nodes: NodeSpec[] = [];
  const inits: TensorSpec[] = [];
  const f32 = (n: string, dims: number[], v: Float32Array): void =>
    void inits.push({ name: n, dataType: 'float32', dims, data: rawBytes(v) });
  const node = (
    op: string,
    inputs: string[],
    output: string,
    attributes?: NodeSpec['attributes'],
  ): string => {
    nodes.push({ op, inputs, outputs: [output], name: output, attributes });
    return output;
  };
  f32('eps', [], new Float32Array([EPSILON]));
  inits.push({ name: 'axis1', dataType: 'int64', dims: [1], data: rawBytes(new BigInt64Array([1n])) });
  const l2norm = (x: string, out: string): string => {
    const ss = node('ReduceSumSquare', [x], `${out}_ss`, { axes: { ints: [1] }, keepdims: { int: 1 } });
    const norm = node('Max', [node('Sqrt', [ss], `${out}_norm`), 'eps'], `${out}_norm_eps`);
    return node('Div', [x, norm], out);
  };

  let w = 'weights';
  if (params.termWeights) {
    f32('term_weights', [rows], params.termWeights);
    w = node('Mul', [w, node('Gather', ['term_weights', 'ids'], 'term_w', { axis: { int: 0 } })], 'w');
  }
  let wSum = w;
  if (table.dtype === 'int8') {
    f32('table_scales', [rows], table.scales);
    wSum = node(
      'Mul',
      [w, node('Gather', ['table_scales', 'ids'], 'row_scales', { axis: { int: 0 } })],
      'w_scaled',
    );
  }
  inits.push({ name: 'table', dataType: table.dtype, dims: [rows, dimIn], data: rawBytes(table.data) });
  const gathered = node('Gather', ['table', 'ids'], 'rows', { axis: { int: 0 } });
  let pooledRow: string;
  if (params.int8Compute === 'integer') {
    f32('q_range', [], new Float32Array([INTEGER_WEIGHT_MAX]));
    inits.push({ name: 'axes12', dataType: 'int64', dims: [2], data: rawBytes(new BigInt64Array([1n, 2n])) });
    const wMax = node('ReduceMax', [wSum], 'w_max', { axes: { ints: [1] }, keepdims: { int: 0 } });
    const qScale = node('Div', [node('Max', [wMax, 'eps'], 'w_max_eps'), 'q_range'], 'w_qscale');
    const wq = node('QuantizeLinear', [wSum, qScale], 'w_q', { axis: { int: 0 } });
    const acc = node('MatMulInteger', [node('Unsqueeze', [wq, 'axis1'], 'w_q_row'), gathered], 'pooled_int');
    const accF = node('Cast', [acc], 'pooled_int_f32', { to: { int: 1 } });
    pooledRow = node('Mul', [accF, node('Unsqueeze', [qScale, 'axes12'], 'w_qscale_row')], 'pooled_row');
  } else {
    const rowsF =
      table.dtype === 'float32' ? gathered : node('Cast', [gathered], 'rows_f32', { to: { int: 1 } });
    pooledRow = node('MatMul', [node('Unsqueeze', [wSum, 'axis1'], 'w_row'), rowsF], 'pooled_row');
  }
  let pooled = node('Squeeze', [pooledRow, 'axis1'], 'pooled_sum');
  if (params.pooling === 'mean') {
    const total = node('ReduceSum', [w, 'axis1'], 'w_total', { keepdims: { int: 1 } });
    pooled = node('Div', [pooled, node('Max', [total, 'eps'], 'w_total_eps')], 'pooled');
  } else if (params.pooling === 'sqrtn') {
    const ss = node('ReduceSumSquare', [w], 'w_ss', { axes: { ints: [1] }, keepdims: { int: 1 } });
    pooled = node(
      'Div',
      [pooled, node('Max', [node('Sqrt', [ss], 'w_norm'), 'eps'], 'w_norm_eps')],
      'pooled',
    );
  }
  if (params.normalizePooled) pooled = l2norm(pooled, 'pooled_unit');
  let h = pooled;
  const proj = params.projection;
  if (proj) {
    f32('proj_weight', [dimIn, proj.dim], proj.weight);
    h = node('MatMul', [pooled, 'proj_weight'], 'proj');
    if (proj.bias) {
      f32('proj_bias', [proj.dim], proj.bias);
      h = node('Add', [h, 'proj_bias'], 'proj_biased');
    }
    if (proj.activation === 'tanh') h = node('Tanh', [h], 'proj_act');
    else if (proj.activation === 'relu') h = node('Relu', [h], 'proj_act');
    if (proj.residual) h = node('Add', [h, pooled], 'proj_residual');
  }
  l2norm(h, 'embedding');
  return {
    graphName: name,
    opset: OPSET,
    inputs: [
      { name: 'ids', dataType: 'int32', shape: ['N', 'L'] },
      { name: 'weights', dataType: 'float32', shape: ['N', 'L'] },
    ],
    outputs: [{ name: 'embedding', dataType: 'float32', shape: ['N', dim] }],
    nodes,
    initializers: inits,
  };
}

/** The tower as ONNX bytes; `options.placeExternal` moves large initializers to a side file. */
export function buildHashedTowerModel(
  params: HashedTowerParams,
  options: EncodeOptions & { name?: string } = {},
): Uint8Array {
  return encodeModel(hashedTowerModelSpec(params, options.name), options);
}
