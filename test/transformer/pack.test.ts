import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../main/engine/models/importFolder.js';
import { openPack } from '../../main/engine/towers/openPack.js';
import { openTransformerPack } from '../../main/engine/towers/transformer/index.js';
import type { TowerPack } from '../../main/engine/towers/types.js';
import { referenceClsPool, referenceMeanPool, type TinyEncoder } from './tinyEncoder.js';
import { tinyIds, writeTinyExport } from './tinyExport.js';

let tmp: string;
let modelsDir: string;
let enc: TinyEncoder;
let pack: TowerPack;
const MAX_LEN = 12;

const readManifest = async (dir: string) =>
  JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;

function expectRowsClose(actual: Float32Array, expected: Float64Array[], tol = 1e-5) {
  const dim = expected[0].length;
  expect(actual.length).toBe(expected.length * dim);
  expected.forEach((row, r) =>
    row.forEach((v, j) => expect(Math.abs(actual[r * dim + j] - v)).toBeLessThan(tol)),
  );
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'docqa-transformer-'));
  modelsDir = path.join(tmp, 'models');
  enc = await writeTinyExport(path.join(tmp, 'tiny-e5'), { seed: 11 });
  const { dir } = await importFolder(path.join(tmp, 'tiny-e5'), {
    modelsDir,
    pooling: 'mean',
    questionPrefix: 'query: ',
    answerPrefix: 'passage: ',
    maxLength: MAX_LEN,
  });
  // The path the engine takes: the towers runtime's openPack dispatches on kind.
  pack = await openPack(dir, { provider: 'cpu', threads: 1 });
});

afterAll(async () => {
  await pack?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('transformer pack, end to end (import → open → embed in a worker)', () => {
  it('writes a manifest with the settings, files and their hashes', async () => {
    const m = await readManifest(pack.dir);
    expect(m).toMatchObject({
      kind: 'transformer',
      dim: 32,
      pooling: 'mean',
      maxLength: MAX_LEN,
      prefixes: { question: 'query: ', answer: 'passage: ' },
    });
    expect(Object.keys(m.files as object).sort()).toEqual([
      'encoder.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect((m.transformer as { precision: string }).precision).toBe('fp32');
    expect(pack.provider).toEqual({ requested: 'cpu', active: 'cpu', fallbackReason: null });
    expect(pack.kind).toBe('transformer');
  });

  it('mean-pools answers exactly like an independent forward pass, whatever the batch padding', async () => {
    const texts = [
      'the cat sat on the mat',
      'hello',
      '',
      '猫坐在垫子上',
      'docqa answers questions about your documents offline, the cat sat on the mat',
      'unknownword hello',
    ];
    const got = await pack.embedAnswers(texts);
    const want = texts.map((t) => referenceMeanPool(enc.referenceStates(tinyIds(`passage: ${t}`, MAX_LEN))));
    expectRowsClose(got, want);
    for (let r = 0; r < texts.length; r++) {
      const row = got.subarray(r * 32, (r + 1) * 32);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
  });

  it('applies the question prefix to questions only', async () => {
    const [q] = [await pack.embedQuestions(['what did the cat sat on?'])];
    expectRowsClose(q, [
      referenceMeanPool(enc.referenceStates(tinyIds('query: what did the cat sat on?', MAX_LEN))),
    ]);
    const asAnswer = await pack.embedAnswers(['what did the cat sat on?']);
    expect(Math.abs(asAnswer[0] - q[0])).toBeGreaterThan(1e-4);
  });

  it('keeps order across many batches and tasks', async () => {
    const texts = Array.from(
      { length: 150 },
      (_, i) => ['hello world', 'the mat', '文档问答', 'cat'][i % 4] + ' the'.repeat(i % 7),
    );
    const got = await pack.embedAnswers(texts);
    const want = texts.map((t) => referenceMeanPool(enc.referenceStates(tinyIds(`passage: ${t}`, MAX_LEN))));
    expectRowsClose(got, want);
  });

  it('a question asked during a big passage call is answered before the call finishes', async () => {
    let answersDone = false;
    const texts = Array.from({ length: 4000 }, (_, i) => `the cat sat on the mat ${i % 10}`);
    const t0 = performance.now();
    const answers = pack.embedAnswers(texts).then(() => (answersDone = true));
    await new Promise((r) => setTimeout(r, 20));
    await pack.embedQuestions(['what did the cat sat on?']);
    const questionMs = performance.now() - t0;
    expect(answersDone).toBe(false);
    await answers;
    expect(performance.now() - t0).toBeGreaterThan(questionMs);
  });

  it('answer hash ignores the question side; question hash follows its prefix', async () => {
    const { dir } = await importFolder(path.join(tmp, 'tiny-e5'), {
      modelsDir,
      name: 'other-question-prefix',
      pooling: 'mean',
      questionPrefix: 'ask: ',
      answerPrefix: 'passage: ',
      maxLength: MAX_LEN,
    });
    const m = await readManifest(dir);
    const other = await openTransformerPack(dir, m, { provider: 'cpu', threads: 1 });
    try {
      expect(other.answerTower.hash).toBe(pack.answerTower.hash);
      expect(other.questionTower.hash).not.toBe(pack.questionTower.hash);
    } finally {
      await other.close();
    }
    const { dir: d2 } = await importFolder(path.join(tmp, 'tiny-e5'), {
      modelsDir,
      name: 'other-answer-prefix',
      pooling: 'mean',
      questionPrefix: 'query: ',
      answerPrefix: 'doc: ',
      maxLength: MAX_LEN,
    });
    const p2 = await openTransformerPack(d2, await readManifest(d2), { provider: 'cpu', threads: 1 });
    try {
      expect(p2.answerTower.hash).not.toBe(pack.answerTower.hash);
    } finally {
      await p2.close();
    }
  });
});

describe('other pack shapes', () => {
  it('CLS pooling on an fp16 export, two workers, and a CUDA request that falls back to CPU with a reason', async () => {
    const src = path.join(tmp, 'tiny-bge');
    const e16 = await writeTinyExport(src, {
      seed: 5,
      float16Output: true,
      tokenTypes: false,
      onnxFile: 'onnx/model_fp16.onnx',
      extra: { '1_Pooling/config.json': '{"pooling_mode_cls_token": true}' },
    });
    const { dir, manifest } = await importFolder(src, { modelsDir, maxLength: MAX_LEN });
    expect(manifest.pooling).toBe('cls');
    expect(manifest.transformer.precision).toBe('fp16');
    const p = await openTransformerPack(dir, await readManifest(dir), {
      provider: 'cuda',
      questionProvider: 'cpu',
      threads: 1,
      workers: 2,
    });
    try {
      expect(p.provider.requested).toBe('cuda');
      expect(p.provider.active).toBe('cpu');
      expect(p.provider.fallbackReason).toMatch(/cuda/i);
      const texts = ['hello world', 'the cat sat on the mat', '文档'];
      // fp16 output: compare at fp16 precision.
      expectRowsClose(
        await p.embedAnswers(texts),
        texts.map((t) => referenceClsPool(e16.referenceStates(tinyIds(t, MAX_LEN)))),
        2e-3,
      );
      // The question tower runs on its own (CPU) session: same weights, same vectors (no prefixes here).
      expectRowsClose(
        await p.embedQuestions(texts),
        texts.map((t) => referenceClsPool(e16.referenceStates(tinyIds(t, MAX_LEN)))),
        2e-3,
      );
    } finally {
      await p.close();
    }
  });

  it('DPR-style pair: separate question and context encoders', async () => {
    const qEnc = await writeTinyExport(path.join(tmp, 'dpr-q'), { seed: 21 });
    const cEnc = await writeTinyExport(path.join(tmp, 'dpr-c'), { seed: 22 });
    const { dir, manifest } = await importFolder(path.join(tmp, 'dpr-c'), {
      modelsDir,
      name: 'tiny-dpr',
      questionFolder: path.join(tmp, 'dpr-q'),
      pooling: 'cls',
      maxLength: MAX_LEN,
    });
    expect(manifest.transformer.question.model).toBe('question.onnx');
    expect(manifest.transformer.answer.model).toBe('answer.onnx');
    const p = await openTransformerPack(dir, await readManifest(dir), { provider: 'cpu', threads: 1 });
    try {
      expectRowsClose(await p.embedQuestions(['what did the cat sat on?']), [
        referenceClsPool(qEnc.referenceStates(tinyIds('what did the cat sat on?', MAX_LEN))),
      ]);
      expectRowsClose(await p.embedAnswers(['the cat sat on the mat']), [
        referenceClsPool(cEnc.referenceStates(tinyIds('the cat sat on the mat', MAX_LEN))),
      ]);
    } finally {
      await p.close();
    }
  });
});

describe('clear errors', () => {
  it('import: a folder without tokenizer.json, without ONNX, with a broken ONNX', async () => {
    const src = path.join(tmp, 'broken');
    await writeTinyExport(src, { seed: 3 });
    await rm(path.join(src, 'tokenizer.json'));
    await expect(importFolder(src, { modelsDir })).rejects.toThrow(/has no tokenizer\.json/);
    await writeTinyExport(src, { seed: 3 });
    await expect(importFolder(src, { modelsDir, precision: 'int8' })).rejects.toThrow(
      /no ONNX encoder for int8/,
    );
    await truncate(path.join(src, 'onnx/model.onnx'), 500);
    await expect(importFolder(src, { modelsDir })).rejects.toThrow(/not a loadable ONNX model/);
    await expect(importFolder(path.join(tmp, 'nope'), { modelsDir })).rejects.toThrow(
      /model folder not found/,
    );
  });

  it('import: refuses to overwrite an installed pack unless forced', async () => {
    await expect(importFolder(path.join(tmp, 'tiny-e5'), { modelsDir, maxLength: MAX_LEN })).rejects.toThrow(
      /already installed/,
    );
  });

  it('open: a missing or damaged file, a bad manifest', async () => {
    const { dir } = await importFolder(path.join(tmp, 'tiny-e5'), {
      modelsDir,
      name: 'to-damage',
      maxLength: MAX_LEN,
    });
    const m = await readManifest(dir);
    await expect(openTransformerPack(dir, { ...m, pooling: 'max' })).rejects.toThrow(/pooling/);
    await writeFile(path.join(dir, 'tokenizer.json'), '{}');
    await expect(openTransformerPack(dir, m)).rejects.toThrow(/damaged: tokenizer\.json/);
    await rm(path.join(dir, 'encoder.onnx'));
    await expect(openTransformerPack(dir, m)).rejects.toThrow(/encoder\.onnx is missing/);
  });
});
