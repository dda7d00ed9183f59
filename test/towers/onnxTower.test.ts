import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { featurizeBatch } from '../../main/engine/towers/featureBatch.js';
import { DEFAULT_FEATURIZER_SPEC } from '../../main/engine/towers/featurize.js';
import { listExternalData, readModelInfo } from '../../main/engine/towers/onnx/modelInfo.js';
import { fromFloat16Bits, toFloat16Bits } from '../../main/engine/towers/onnx/float16.js';
import {
  buildHashedTowerModel,
  forwardHashedTower,
  INTEGER_WEIGHT_MAX,
  quantizeTable,
  quantizeTextWeights,
  type HashedTowerParams,
  type TableStorage,
} from '../../main/engine/towers/onnx/hashedTower.js';
import { encodeModel, type ExternalRef } from '../../main/engine/towers/onnx/onnxModel.js';
import { ProtoMessage } from '../../main/engine/towers/onnx/protobuf.js';
import { randomTable, seededRandom } from './helpers.js';

const ROWS = 1 << 10;
const DIM_IN = 24;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-onnx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function runOrt(
  model: Uint8Array | string,
  ids: Int32Array,
  weights: Float32Array,
  n: number,
  l: number,
): Promise<Float32Array> {
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model)
      : await ort.InferenceSession.create(model);
  try {
    const out = await session.run({
      ids: new ort.Tensor('int32', ids, [n, l]),
      weights: new ort.Tensor('float32', weights, [n, l]),
    });
    expect(out.embedding!.dims[0]).toBe(n);
    return out.embedding!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function rowNorms(v: Float32Array, dim: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < v.length / dim; r++) out.push(Math.hypot(...v.subarray(r * dim, (r + 1) * dim)));
  return out;
}

/** A batch of mixed lengths: real texts featurized into 2^10 buckets, plus an empty row. */
const texts = [
  'How many chunks per second can the answer tower embed?',
  '双塔模型把问题和段落分别编码成向量，再用点积衡量相关性。',
  '',
  'short',
  'Mixed 中英文 text with numbers 2024 and punctuation!',
];
const spec = { ...DEFAULT_FEATURIZER_SPEC, log2Buckets: 10 };
const batch = featurizeBatch(texts, spec, 'passage');

const random = seededRandom(7);
const fp32 = randomTable(ROWS, DIM_IN, random);
const term = Float32Array.from({ length: ROWS }, () => 0.5 + random());
const dim = 16;
const projection = {
  weight: Float32Array.from({ length: DIM_IN * dim }, () => random() - 0.5),
  dim,
  bias: Float32Array.from({ length: dim }, () => 0.1 * (random() - 0.5)),
};

/** [label, storage, int8 compute, tolerance vs its own reference, vs the float32 original]. */
const tables: [string, TableStorage['dtype'], HashedTowerParams['int8Compute'], number, number][] = [
  ['float32', 'float32', undefined, 1e-5, 1e-5],
  ['float16', 'float16', undefined, 1e-5, 2e-3],
  ['int8', 'int8', 'dequantize', 1e-5, 2e-2],
  ['int8 integer', 'int8', 'integer', 1e-5, 3e-2],
];
const variants: [string, Partial<HashedTowerParams>][] = [
  ['sum', { pooling: 'sum' }],
  ['mean + term weights', { pooling: 'mean', termWeights: term }],
  [
    'sqrtn + normalised pooled + projection(tanh)',
    { pooling: 'sqrtn', normalizePooled: true, projection: { ...projection, activation: 'tanh' } },
  ],
  [
    'mean + residual relu projection',
    {
      pooling: 'mean',
      projection: {
        weight: Float32Array.from({ length: DIM_IN * DIM_IN }, () => random() - 0.5),
        dim: DIM_IN,
        activation: 'relu',
        residual: true,
      },
    },
  ],
];

describe('hashed tower graph: ORT output equals the JS reference', () => {
  for (const [tableLabel, dtype, int8Compute, ownTolerance, tolerance] of tables) {
    for (const [label, variant] of variants) {
      it(`${tableLabel} table, ${label}`, async () => {
        const params: HashedTowerParams = {
          rows: ROWS,
          dimIn: DIM_IN,
          table: quantizeTable(fp32, DIM_IN, dtype),
          pooling: 'sum',
          int8Compute,
          ...variant,
        };
        const got = await runOrt(buildHashedTowerModel(params), batch.ids, batch.weights, batch.n, batch.l);
        const ref = forwardHashedTower(params, batch.ids, batch.weights, batch.n, batch.l);
        // Against its own reference (same storage and arithmetic): tight.
        expect(maxAbsDiff(got, ref)).toBeLessThan(ownTolerance);
        // Against the float32 original: the storage's precision loss.
        const exact = forwardHashedTower(
          { ...params, table: quantizeTable(fp32, DIM_IN, 'float32'), int8Compute: undefined },
          batch.ids,
          batch.weights,
          batch.n,
          batch.l,
        );
        expect(maxAbsDiff(got, exact)).toBeLessThan(tolerance);
        expect(got.every(Number.isFinite)).toBe(true);
        const d = got.length / batch.n;
        const norms = rowNorms(got, d);
        norms.forEach((nrm, r) => {
          // No features and no bias to lift it: the zero vector.
          if (texts[r] === '' && !params.projection?.bias) expect(nrm).toBe(0);
          else expect(nrm).toBeCloseTo(1, 5);
        });
      });
    }
  }
});

describe('hashed tower graph: batching and padding', () => {
  const params: HashedTowerParams = {
    rows: ROWS,
    dimIn: DIM_IN,
    table: quantizeTable(fp32, DIM_IN, 'float32'),
    pooling: 'mean',
    termWeights: term,
  };
  const model = buildHashedTowerModel(params);

  it.each([
    ['float32', params],
    [
      'int8 integer',
      { ...params, table: quantizeTable(fp32, DIM_IN, 'int8'), int8Compute: 'integer' as const },
    ],
  ])('%s: each row of a padded batch equals that text embedded alone', async (_label, p) => {
    const m = buildHashedTowerModel(p);
    const together = await runOrt(m, batch.ids, batch.weights, batch.n, batch.l);
    for (let r = 0; r < texts.length; r++) {
      const one = featurizeBatch([texts[r]!], spec, 'passage');
      const alone = await runOrt(m, one.ids, one.weights, 1, one.l);
      expect(maxAbsDiff(alone, together.subarray(r * DIM_IN, (r + 1) * DIM_IN))).toBeLessThan(1e-6);
    }
  });

  it('an empty text embeds to the zero vector, not NaN', async () => {
    const empty = featurizeBatch(['', '   ', '🙂'], spec, 'passage');
    expect(empty.l).toBe(1);
    const out = await runOrt(model, empty.ids, empty.weights, empty.n, empty.l);
    expect(Array.from(out).every((x) => x === 0)).toBe(true);
  });
});

/**
 * The int32 sums Σ_l level[l] · table[ids[l]][d] of one text, as MatMulInteger
 * computes them: exactly, or as ORT's u8×s8 kernel does on x86 CPUs without
 * VNNI, where the products of two neighbouring k are added in a 16-bit lane
 * that saturates (vpmaddubsw) before the int32 sum.
 */
function integerSums(
  levels: Uint8Array,
  rowIds: Int32Array,
  table: Int8Array,
  dimIn: number,
  pairsIn16Bits: boolean,
): Int32Array {
  const sums = new Int32Array(dimIn);
  for (let d = 0; d < dimIn; d++) {
    let acc = 0;
    for (let k = 0; k < levels.length; k += 2) {
      const product = (j: number): number =>
        j < levels.length ? levels[j]! * table[rowIds[j]! * dimIn + d]! : 0;
      const pair = product(k) + product(k + 1);
      acc += pairsIn16Bits ? Math.max(-32768, Math.min(32767, pair)) : pair;
    }
    sums[d] = acc;
  }
  return sums;
}

describe('int8 integer path: the same vectors on every CPU', () => {
  const int8 = quantizeTable(fp32, DIM_IN, 'int8');
  if (int8.dtype !== 'int8') throw new Error('expected int8');
  /** Each text's features and scaled weights w·s, as the graph forms them. */
  const perText = texts.map((_, r) => {
    const rowIds = batch.ids.subarray(r * batch.l, (r + 1) * batch.l);
    const ws = Float32Array.from(rowIds, (id, j) => batch.weights[r * batch.l + j]! * int8.scales[id]!);
    return { rowIds, ws };
  });

  it('weights use 7 bits, so no pair of u8×s8 products saturates a 16-bit lane (AVX2 without VNNI)', () => {
    expect(INTEGER_WEIGHT_MAX * 128 * 2).toBeLessThanOrEqual(32767);
    for (const { rowIds, ws } of perText) {
      const { levels } = quantizeTextWeights(ws);
      expect(Math.max(0, ...levels)).toBeLessThanOrEqual(INTEGER_WEIGHT_MAX);
      expect(integerSums(levels, rowIds, int8.data, DIM_IN, true)).toEqual(
        integerSums(levels, rowIds, int8.data, DIM_IN, false),
      );
    }
  });

  it('8-bit weights would saturate on this batch (what made the vectors CPU-dependent)', () => {
    const differing = perText.filter(({ rowIds, ws }) => {
      const max = Math.max(...ws);
      if (max === 0) return false;
      const levels = Uint8Array.from(ws, (w) => Math.round((w / max) * 255));
      const saturated = integerSums(levels, rowIds, int8.data, DIM_IN, true);
      const exact = integerSums(levels, rowIds, int8.data, DIM_IN, false);
      return saturated.some((v, d) => v !== exact[d]);
    });
    expect(differing.length).toBeGreaterThan(0);
  });
});

describe('ONNX writer', () => {
  it('encodes varints, strings and nested messages in protobuf wire format', () => {
    const inner = new ProtoMessage().varint(1, 150);
    const m = new ProtoMessage().varint(1, 300).string(2, 'hi').message(3, inner).float(4, 1);
    expect(Array.from(m.toBytes())).toEqual([
      0x08, 0xac, 0x02, 0x12, 0x02, 0x68, 0x69, 0x1a, 0x03, 0x08, 0x96, 0x01, 0x25, 0x00, 0x00, 0x80, 0x3f,
    ]);
    expect(() => new ProtoMessage().varint(1, -1)).toThrow(RangeError);
  });

  it('stores large initializers as external data that ORT loads relative to the model file', async () => {
    const params: HashedTowerParams = {
      rows: ROWS,
      dimIn: DIM_IN,
      table: quantizeTable(fp32, DIM_IN, 'int8'),
      pooling: 'sum',
      termWeights: term,
    };
    const chunks: Uint8Array[] = [];
    let length = 0;
    const model = buildHashedTowerModel(params, {
      placeExternal: (t) => {
        if (t.data.byteLength < 1024) return null;
        const ref: ExternalRef = { location: 'weights.bin', offset: length, length: t.data.byteLength };
        chunks.push(t.data);
        length += t.data.byteLength;
        return ref;
      },
    });
    writeFileSync(path.join(tmp, 'tower.onnx'), model);
    writeFileSync(path.join(tmp, 'weights.bin'), Buffer.concat(chunks));
    const refs = listExternalData(model);
    expect(refs.map((r) => r.location)).toEqual(['weights.bin', 'weights.bin', 'weights.bin']);
    expect(refs.reduce((s, r) => s + r.length, 0)).toBe(length);
    expect(model.byteLength).toBeLessThan(4096);
    const got = await runOrt(path.join(tmp, 'tower.onnx'), batch.ids, batch.weights, batch.n, batch.l);
    expect(
      maxAbsDiff(got, forwardHashedTower(params, batch.ids, batch.weights, batch.n, batch.l)),
    ).toBeLessThan(1e-5);
    expect(listExternalData(buildHashedTowerModel(params))).toEqual([]);
    expect(readModelInfo(model).outputs).toEqual([{ name: 'embedding', shape: ['N', DIM_IN] }]);
  });

  it('a truncated model is rejected by the reader and by ORT', async () => {
    const model = encodeModel({
      graphName: 'g',
      opset: 17,
      inputs: [{ name: 'x', dataType: 'float32', shape: ['N'] }],
      outputs: [{ name: 'y', dataType: 'float32', shape: ['N'] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      initializers: [],
    });
    const s = await ort.InferenceSession.create(model);
    const y = await s.run({ x: new ort.Tensor('float32', new Float32Array([-1, 2]), [2]) });
    expect(Array.from(y.y!.data as Float32Array)).toEqual([0, 2]);
    const cut = model.subarray(0, model.byteLength - 7);
    expect(() => listExternalData(cut)).toThrow(RangeError);
    await expect(ort.InferenceSession.create(cut)).rejects.toThrow();
  });

  it('float16 conversion rounds to nearest even and keeps specials', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(toFloat16Bits(2 ** -26)).toBe(0);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
    let worst = 0;
    for (let i = 0; i < 2000; i++) {
      const x = (random() - 0.5) * 10;
      worst = Math.max(
        worst,
        Math.abs(fromFloat16Bits(toFloat16Bits(x)) - x) / (Math.abs(x) * 2 ** -11 + 2 ** -25),
      );
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('int8 tables keep every value within half a step of its row scale', () => {
    const q = quantizeTable(fp32, DIM_IN, 'int8');
    if (q.dtype !== 'int8') throw new Error('expected int8');
    let worst = 0;
    for (let r = 0; r < ROWS; r++) {
      for (let d = 0; d < DIM_IN; d++) {
        const i = r * DIM_IN + d;
        worst = Math.max(worst, Math.abs(q.data[i]! * q.scales[r]! - fp32[i]!) / q.scales[r]!);
      }
    }
    expect(worst).toBeGreaterThan(0.4);
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-4);
  });

  it('rejects inconsistent parameters', () => {
    const bad = {
      rows: ROWS,
      dimIn: DIM_IN,
      table: { dtype: 'float32' as const, data: new Float32Array(10) },
      pooling: 'sum' as const,
    };
    expect(() => buildHashedTowerModel(bad)).toThrow(/table has 10 values/);
    const residual = {
      ...bad,
      table: quantizeTable(fp32, DIM_IN, 'float32'),
      projection: { weight: new Float32Array(DIM_IN * 4), dim: 4, residual: true },
    };
    expect(() => buildHashedTowerModel(residual)).toThrow(/residual/);
  });
});
