import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_PACK_NAME,
  builtinPackDir,
  setResourcesDirectory,
} from '../../main/engine/towers/builtinPack.js';
import { featurizeBatch } from '../../main/engine/towers/featureBatch.js';
import { DEFAULT_FEATURIZER_SPEC, type FeaturizerSpec } from '../../main/engine/towers/featurize.js';
import {
  forwardHashedTower,
  quantizeTable,
  type HashedTowerParams,
} from '../../main/engine/towers/onnx/hashedTower.js';
import { listExternalData, readModelInfo } from '../../main/engine/towers/onnx/modelInfo.js';
import { openPack } from '../../main/engine/towers/openPack.js';
import { writeHashedPack, type HashedPackSpec } from '../../main/engine/towers/packWriter.js';
import { readHashedPack } from '../../main/engine/towers/readHashedPack.js';
import { verifyPack } from '../../main/engine/towers/packFiles.js';
import { encodeModel } from '../../main/engine/towers/onnx/onnxModel.js';
import { sha256Hex } from '../../main/engine/towers/towerIdentity.js';
import type { TowerPack } from '../../main/engine/towers/types.js';
import { expectUserError } from '../helpers/expectUserError.js';
import { randomTable, seededRandom } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LOG2 = 12;
const ROWS = 1 << LOG2;
const DIM = 16;
const featurizer: FeaturizerSpec = { ...DEFAULT_FEATURIZER_SPEC, log2Buckets: LOG2 };
const random = seededRandom(11);
const table = quantizeTable(randomTable(ROWS, DIM, random), DIM, 'int8');
const termWeights = Float32Array.from({ length: ROWS }, () => 0.5 + random());

const answerParams: HashedTowerParams = { rows: ROWS, dimIn: DIM, table, termWeights, pooling: 'sqrtn' };
const questionParams = (seed: number): HashedTowerParams => {
  const r = seededRandom(seed);
  return {
    ...answerParams,
    projection: {
      weight: Float32Array.from({ length: DIM * DIM }, () => r() - 0.5),
      dim: DIM,
      activation: 'tanh',
      residual: true,
    },
  };
};

const base: HashedPackSpec = {
  name: 'test-hashed',
  version: '0.0.1',
  license: 'MIT',
  attribution: ['test weights, seeded random'],
  trainingData: [],
  metrics: { note: 'none' },
  featurizer,
  question: questionParams(1),
  answer: answerParams,
  // Small enough that the test table goes external, as a real one does.
  externalThreshold: 4096,
};

const texts = [
  '双塔检索：答案塔在建索引时为每个片段计算一次向量。',
  'The question tower runs at ask time, one short text at a time.',
  '',
  '繁體中文與简体中文應該得到相同的特徵。',
  'numbers 1234 and symbols #$%',
];

function reference(params: HashedTowerParams, input: string[], role: 'question' | 'passage'): Float32Array {
  const b = featurizeBatch(input, featurizer, role);
  return forwardHashedTower(params, b.ids, b.weights, b.n, b.l);
}

function expectClose(got: Float32Array, want: Float32Array, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('hashed packs: write, open, embed', () => {
  const dir = path.join(tmp, 'pack');
  let pack: TowerPack;
  let identity: Awaited<ReturnType<typeof writeHashedPack>>;

  beforeAll(async () => {
    identity = await writeHashedPack(dir, base);
    // Requesting cuda on a machine without it also exercises the CPU fallback.
    pack = await openPack(dir, { provider: 'cuda', workers: 2 });
  });
  afterAll(async () => pack?.close());

  it('writes manifest, two towers and one shared table file', () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      name: 'test-hashed',
      kind: 'hashed-ngram',
      dim: DIM,
      normalization: 'l2',
      license: 'MIT',
    });
    expect(Object.keys(manifest.files).sort()).toEqual(['answer.onnx', 'question.onnx', 'shared.bin']);
    // The int8 table, its row scales and the term weights are stored once, for both towers.
    const q = listExternalData(readFileSync(path.join(dir, 'question.onnx')));
    const a = listExternalData(readFileSync(path.join(dir, 'answer.onnx')));
    expect(q.map((r) => r.length).sort()).toEqual([ROWS * 4, ROWS * 4, ROWS * DIM].sort());
    expect(a).toEqual(q);
    expect(new Set(q.map((r) => r.location))).toEqual(new Set(['shared.bin']));
    expect(statSync(path.join(dir, 'shared.bin')).size).toBe(Math.max(...q.map((r) => r.offset + r.length)));
    expect(statSync(path.join(dir, 'question.onnx')).size).toBeLessThan(8192);
    expect(manifest.hashedNgram.featurizer).toEqual(featurizer);
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reports identity and provider', () => {
    expect(pack.kind).toBe('hashed-ngram');
    expect(pack.name).toBe('test-hashed');
    expect(pack.dim).toBe(DIM);
    expect(pack.questionTower).toEqual(identity.questionTower);
    expect(pack.answerTower).toEqual(identity.answerTower);
    expect(pack.questionTower.hash).not.toBe(pack.answerTower.hash);
    expect(pack.provider.requested).toBe('cuda');
    if (pack.provider.active !== 'cuda') {
      expect(pack.provider.active).toBe('cpu');
      expect(pack.provider.fallbackReason).toMatch(/^cuda /);
    } else {
      expect(pack.provider.fallbackReason).toBeNull();
    }
  });

  it('embeds questions and answers through the workers like the in-thread reference', async () => {
    expectClose(await pack.embedQuestions(texts), reference(base.question, texts, 'question'));
    expectClose(await pack.embedAnswers(texts), reference(answerParams, texts, 'passage'));
  });

  it('keeps input order for large batches spread over the workers', async () => {
    const many = Array.from(
      { length: 300 },
      (_, i) => `${texts[i % texts.length]} #${i} ${'词'.repeat(i % 17)}`,
    );
    const [a, b] = await Promise.all([pack.embedAnswers(many), pack.embedAnswers(many.slice(0, 7))]);
    expectClose(a, reference(answerParams, many, 'passage'));
    expectClose(b, a.subarray(0, 7 * DIM));
  });

  it('handles no texts and empty texts', async () => {
    expect((await pack.embedAnswers([])).length).toBe(0);
    const empty = await pack.embedAnswers(['', '…']);
    expect(Array.from(empty).every((x) => x === 0)).toBe(true);
  });
});

describe('hashed packs: identity', () => {
  it('a question-only change keeps the answer tower hash; an answer change does not', async () => {
    const a = await writeHashedPack(path.join(tmp, 'id-a'), base);
    const b = await writeHashedPack(path.join(tmp, 'id-b'), { ...base, question: questionParams(2) });
    const c = await writeHashedPack(path.join(tmp, 'id-c'), {
      ...base,
      answer: { ...answerParams, pooling: 'mean' },
    });
    const d = await writeHashedPack(path.join(tmp, 'id-d'), {
      ...base,
      featurizer: { ...featurizer, maxFeatures: { question: 17, passage: featurizer.maxFeatures.passage } },
    });
    expect(b.answerTower.hash).toBe(a.answerTower.hash);
    expect(b.questionTower.hash).not.toBe(a.questionTower.hash);
    expect(c.answerTower.hash).not.toBe(a.answerTower.hash);
    expect(c.questionTower.hash).toBe(a.questionTower.hash);
    // The question cap is not part of the answer tower's view of the featurizer.
    expect(d.answerTower.hash).toBe(a.answerTower.hash);
    expect(d.questionTower.hash).not.toBe(a.questionTower.hash);
    // Rewriting a pack in place replaces it whole.
    const again = await writeHashedPack(path.join(tmp, 'id-a'), { ...base, question: questionParams(2) });
    expect(again.questionTower.hash).toBe(b.questionTower.hash);
  });

  it('a shared-weights pack has one ONNX file serving both towers', async () => {
    const dir = path.join(tmp, 'shared');
    const id = await writeHashedPack(dir, { ...base, question: answerParams, answer: 'shared' });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.hashedNgram.question.model).toBe('tower.onnx');
    expect(manifest.hashedNgram.answer.model).toBe('tower.onnx');
    expect(Object.keys(manifest.files).sort()).toEqual(['tower.bin', 'tower.onnx']);
    const pack = await openPack(dir, { provider: 'cpu', workers: 1 });
    try {
      expect(pack.answerTower).toEqual(id.answerTower);
      expectClose(await pack.embedQuestions(texts), reference(answerParams, texts, 'question'));
      expectClose(await pack.embedAnswers(texts), reference(answerParams, texts, 'passage'));
      // Closing with work in flight rejects it (no hang), and later calls too.
      // The handler is attached before closing: the rejection may land while close() is still awaited.
      const inFlight = pack.embedAnswers(Array.from({ length: 2000 }, (_, i) => `${texts[i % 5]} ${i}`)).then(
        () => null,
        (e: unknown) => e,
      );
      await pack.close();
      expect(await inFlight).toBeInstanceOf(Error);
      await expect(pack.embedQuestions(['after close'])).rejects.toThrow(/closed/);
    } finally {
      await pack.close();
    }
  });
});

describe('hashed packs: errors', () => {
  const broken = async (name: string, breakIt: (dir: string) => void): Promise<string> => {
    const dir = path.join(tmp, name);
    await writeHashedPack(dir, base);
    breakIt(dir);
    return dir;
  };

  it('missing folder or manifest', async () => {
    await expectUserError(openPack(path.join(tmp, 'nope')), /tower pack folder not found: .*nope/);
    const dir = await broken('no-manifest', (d) => rmSync(path.join(d, 'manifest.json')));
    await expectUserError(openPack(dir), /pack manifest is missing: .*manifest\.json/);
  });

  it('corrupt or invalid manifest', async () => {
    const dir = await broken('bad-json', (d) =>
      writeFileSync(path.join(d, 'manifest.json'), '{"name": "x", '),
    );
    await expectUserError(openPack(dir), /corrupt pack manifest .*manifest\.json/);
    const edit = (d: string, f: (m: Record<string, unknown>) => void): void => {
      const file = path.join(d, 'manifest.json');
      const m = JSON.parse(readFileSync(file, 'utf8'));
      f(m);
      writeFileSync(file, JSON.stringify(m));
    };
    const noDim = await broken('no-dim', (d) => edit(d, (m) => delete m.dim));
    await expectUserError(openPack(noDim), /invalid pack manifest .*: dim/);
    const badSpec = await broken('bad-spec', (d) =>
      edit(
        d,
        (m) => ((m.hashedNgram as { featurizer: { log2Buckets: number } }).featurizer.log2Buckets = 99),
      ),
    );
    await expectUserError(openPack(badSpec), /invalid hashed-ngram pack manifest .*featurizer\.log2Buckets/);
    const wrongDim = await broken('wrong-dim', (d) => edit(d, (m) => (m.dim = DIM + 1)));
    await expectUserError(
      openPack(wrongDim, { workers: 1 }),
      new RegExp(`manifest says dim ${DIM + 1} but question\\.onnx outputs ${DIM}`),
    );
  });

  it('missing, truncated or altered model files', async () => {
    const gone = await broken('no-onnx', (d) => rmSync(path.join(d, 'answer.onnx')));
    await expectUserError(openPack(gone, { workers: 1 }), /tower model is missing: .*answer\.onnx/);
    const cut = await broken('cut-onnx', (d) => truncateSync(path.join(d, 'question.onnx'), 100));
    await expectUserError(openPack(cut, { workers: 1 }), /question\.onnx does not match its manifest entry/);
    const cutTable = await broken('cut-bin', (d) => truncateSync(path.join(d, 'shared.bin'), 1000));
    await expectUserError(
      openPack(cutTable, { workers: 1 }),
      /shared\.bin does not match its manifest entry/,
    );
    const noTable = await broken('no-bin', (d) => rmSync(path.join(d, 'shared.bin')));
    await expectUserError(openPack(noTable, { workers: 1 }), /pack file is missing: .*shared\.bin/);
    // Same size, different bytes: openPack checks weight files by size only (speed); verifyPack hashes them.
    const altered = await broken('altered-bin', (d) => {
      const file = path.join(d, 'shared.bin');
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] ^= 0xff;
      writeFileSync(file, bytes);
    });
    await expectUserError(verifyPack(altered), /shared\.bin does not match its manifest entry/);
    await expect(verifyPack(path.join(tmp, 'pack'))).resolves.toMatchObject({ files: expect.any(Number) });
  });

  it('lazyAnswers: the answer workers start at the first embedAnswers', async () => {
    const dir = await broken('lazy', () => {});
    const pack = await openPack(dir, { provider: 'cpu', workers: 1, lazyAnswers: true });
    try {
      expectClose(await pack.embedQuestions(texts), reference(questionParams(1), texts, 'question'));
      expectClose(await pack.embedAnswers(texts), reference(answerParams, texts, 'passage'));
    } finally {
      await pack.close();
    }
    await expect(pack.embedAnswers(['x'])).rejects.toThrow(/closed/);
  });

  it('an answer tower ORT cannot load fails embedAnswers, not the questions', async () => {
    const dir = await broken('bad-op', (d) => {
      // Consistent with its manifest entry and the right output width, but an operator ORT does not know.
      const model = encodeModel({
        graphName: 'bad',
        opset: 17,
        inputs: [
          { name: 'ids', dataType: 'int32', shape: ['N', 'L'] },
          { name: 'weights', dataType: 'float32', shape: ['N', 'L'] },
        ],
        outputs: [{ name: 'embedding', dataType: 'float32', shape: ['N', DIM] }],
        nodes: [{ op: 'NoSuchOperator', inputs: ['weights'], outputs: ['embedding'] }],
        initializers: [],
      });
      writeFileSync(path.join(d, 'answer.onnx'), model);
      const file = path.join(d, 'manifest.json');
      const m = JSON.parse(readFileSync(file, 'utf8'));
      m.files['answer.onnx'] = { sha256: sha256Hex(model), bytes: model.byteLength };
      writeFileSync(file, JSON.stringify(m));
    });
    const pack = await openPack(dir, { provider: 'cpu', workers: 1 });
    try {
      expect((await pack.embedQuestions(['still works'])).length).toBe(DIM);
      await expectUserError(pack.embedAnswers(['x']), /cannot load tower model .*answer\.onnx/);
    } finally {
      await pack.close();
    }
  });

  it('an int8Compute "integer" pack runs with 7-bit weights; an older 8-bit one is refused, its weights still readable', async () => {
    const integer = { ...answerParams, int8Compute: 'integer' as const };
    const spec = { ...base, question: integer, answer: 'shared' as const };
    const dir = path.join(tmp, 'integer-7bit');
    await writeHashedPack(dir, spec);
    const pack = await openPack(dir, { provider: 'cpu', workers: 1 });
    try {
      expectClose(await pack.embedAnswers(texts), reference(integer, texts, 'passage'));
    } finally {
      await pack.close();
    }
    // The graph an older version wrote: weights quantised to 255 levels.
    const old = path.join(tmp, 'integer-8bit');
    await writeHashedPack(old, spec);
    const file = path.join(old, 'tower.onnx');
    const model = readFileSync(file);
    const range = readModelInfo(model).initializers.find((i) => i.name === 'q_range')!.raw!;
    model.writeFloatLE(255, range.byteOffset - model.byteOffset);
    writeFileSync(file, model);
    const manifestFile = path.join(old, 'manifest.json');
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    m.files['tower.onnx'] = { sha256: sha256Hex(model), bytes: model.byteLength };
    writeFileSync(manifestFile, JSON.stringify(m));
    await expectUserError(
      openPack(old, { workers: 1 }),
      /tower\.onnx sums its int8 table with 8-bit weights .*different vectors on different CPUs/,
    );
    expect((await readHashedPack(old)).question).toEqual(integer);
  });

  it('a transformer manifest goes to the transformer pack loader', async () => {
    const dir = path.join(tmp, 'transformer');
    await writeHashedPack(dir, base);
    const file = path.join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8'));
    m.kind = 'transformer';
    delete m.hashedNgram;
    writeFileSync(file, JSON.stringify(m));
    // The transformer loader owns the rest of the checks; with no transformer section it must refuse clearly.
    await expectUserError(openPack(dir), /transformer/);
  });
});

describe('built-in pack location', () => {
  it('is resources/models/<name> in this repository, or under the directory the app sets', () => {
    const dir = builtinPackDir();
    expect(dir.endsWith(path.join('resources', 'models', BUILTIN_PACK_NAME))).toBe(true);
    expect(existsSync(path.dirname(path.dirname(dir)))).toBe(true);
    setResourcesDirectory('/opt/DocQA/resources');
    try {
      expect(builtinPackDir()).toBe(path.join('/opt/DocQA/resources', 'models', BUILTIN_PACK_NAME));
    } finally {
      setResourcesDirectory(null);
    }
  });
});

describe('reading a pack back', () => {
  it('returns the parameters it was written from, a tied table as one array', async () => {
    const dir = path.join(tmp, 'read-back');
    const tied = { ...questionParams(3), normalizePooled: true, int8Compute: 'integer' as const };
    tied.projection = { ...tied.projection!, bias: Float32Array.from({ length: DIM }, (_, i) => i / 100) };
    const first = await writeHashedPack(dir, {
      ...base,
      question: tied,
      training: { design: 'tied', seed: 3 },
    });
    const back = await readHashedPack(dir);
    expect(back.featurizer).toEqual(featurizer);
    expect(back.manifest.training).toEqual({ design: 'tied', seed: 3 });
    expect(back.question).toEqual(tied);
    expect(back.answer).toEqual(answerParams);
    expect(back.question.table.data).toBe(back.answer.table.data);
    expect(back.question.termWeights).toBe(back.answer.termWeights);
    // Written again from what was read: the same towers.
    const again = await writeHashedPack(path.join(tmp, 'read-back-2'), {
      ...base,
      question: back.question,
      answer: back.answer,
    });
    expect(again.questionTower.hash).toBe(first.questionTower.hash);
    expect(again.answerTower.hash).toBe(first.answerTower.hash);
  });

  it('float32 and float16 tables, embedded (not external) tensors, shared-weights packs', async () => {
    for (const dtype of ['float32', 'float16'] as const) {
      const params: HashedTowerParams = {
        rows: ROWS,
        dimIn: DIM,
        table: quantizeTable(randomTable(ROWS, DIM, random), DIM, dtype),
        pooling: 'mean',
      };
      const dir = path.join(tmp, `read-${dtype}`);
      await writeHashedPack(dir, { ...base, question: params, answer: 'shared', externalThreshold: 1 << 30 });
      expect(existsSync(path.join(dir, 'tower.bin'))).toBe(false);
      const back = await readHashedPack(dir);
      expect(back.question).toEqual(params);
      expect(back.answer).toBe(back.question);
    }
  });

  it('refuses a pack whose files do not match the manifest', async () => {
    const dir = path.join(tmp, 'read-broken');
    await writeHashedPack(dir, base);
    truncateSync(path.join(dir, 'shared.bin'), 10);
    await expectUserError(readHashedPack(dir), /shared\.bin does not match its manifest entry/);
  });
});
