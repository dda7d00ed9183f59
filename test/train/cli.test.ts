import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mineFolders } from '../../main/engine/train/mine.js';
import { readPackRanker } from '../../main/engine/rank/packRanker.js';
import { builtinPackDir } from '../../main/engine/towers/builtinPack.js';
import { Rng } from '../../main/engine/train/rng.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'docqa-train-cli-'));
const docs = path.join(dir, 'docs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function docqa(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repo, 'bin/docqa.js'), ...args],
      { cwd: dir, env: { ...process.env, DOCQA_FROM_SOURCE: '1' }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const EN_WORDS = [
  'river',
  'bridge',
  'castle',
  'garden',
  'engine',
  'harbor',
  'valley',
  'museum',
  'forest',
  'station',
  'library',
  'market',
];
const ZH_WORDS = [
  '长江',
  '大桥',
  '城堡',
  '花园',
  '引擎',
  '港口',
  '山谷',
  '博物馆',
  '森林',
  '车站',
  '图书馆',
  '市场',
];

/** A small generated library: markdown with headings and plain text, English and Chinese. */
function writeLibrary(): void {
  const rng = new Rng(3);
  mkdirSync(docs, { recursive: true });
  for (let d = 0; d < 6; d++) {
    const sections: string[] = [`# Guide ${d}`];
    for (let s = 0; s < 3; s++) {
      const topic = EN_WORDS[(d * 3 + s) % EN_WORDS.length]!;
      sections.push(`## The ${topic} section`);
      const sentences = Array.from(
        { length: 4 },
        (_, i) =>
          `The ${topic} number ${i} is near the ${EN_WORDS[rng.int(EN_WORDS.length)]} and it opens at ${rng.int(12)} o'clock.`,
      );
      sections.push(sentences.join(' '));
    }
    writeFileSync(path.join(docs, `guide-${d}.md`), `${sections.join('\n\n')}\n`);
    const zh = Array.from({ length: 3 }, (_, p) => {
      const topic = ZH_WORDS[(d + p) % ZH_WORDS.length]!;
      return Array.from(
        { length: 4 },
        (_, i) =>
          `${topic}的第${i}个入口靠近${ZH_WORDS[rng.int(ZH_WORDS.length)]}，每天${rng.int(12)}点开放。`,
      ).join('');
    });
    writeFileSync(path.join(docs, `笔记-${d}.txt`), `笔记${d}\n\n${zh.join('\n\n')}\n`);
  }
}

beforeAll(writeLibrary);

describe('mining pairs from documents', () => {
  it('makes heading → section and sentence → rest-of-chunk pairs, the sentence removed from its passage', async () => {
    const { pairs, files, skipped, found } = await mineFolders([docs], 1);
    expect(found).toBe(pairs.length);
    expect(files).toBe(12);
    expect(skipped).toEqual([]);
    const headings = pairs.filter((p) => /^The \w+ section$/.test(p.question));
    expect(headings.length).toBeGreaterThanOrEqual(12);
    for (const h of headings) expect(h.passage).toContain(h.question.split(' ')[1]!);
    const cloze = pairs.filter((p) => /[.。]$/.test(p.question));
    // One per chunk of two or more sentences: 18 markdown sections and 6 Chinese notes.
    expect(cloze.length).toBeGreaterThanOrEqual(20);
    expect(cloze.some((p) => /[\u4e00-\u9fff]/.test(p.question))).toBe(true);
    for (const p of cloze) expect(p.passage).not.toContain(p.question);
    expect(await mineFolders([docs], 1)).toEqual({ pairs, found, files, skipped });
    // A large library is sampled down, keeping the pairs' order.
    const sample = await mineFolders([docs], 1, { maxPairs: 10 });
    expect(sample.found).toBe(pairs.length);
    expect(sample.pairs).toHaveLength(10);
    const order = sample.pairs.map((p) =>
      pairs.findIndex((q) => q.question === p.question && q.passage === p.passage),
    );
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
  });
});

describe('docqa train', () => {
  const small = [
    '--dim',
    '16',
    '--buckets-log2',
    '12',
    '--epochs',
    '2',
    '--batch',
    '16',
    '--heldout-frac',
    '0.2',
    '--table',
    'float32',
  ];

  it('trains --from-docs into a pack and reports held-out recall next to BM25 (--json)', async () => {
    const out = path.join(dir, 'pack-docs');
    const r = await docqa([
      'train',
      '--from-docs',
      docs,
      '--init-from',
      'none',
      '--out',
      out,
      ...small,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.pack).toBe(out);
    expect(summary.dim).toBe(16);
    expect(summary.heldout.questions).toBeGreaterThan(5);
    expect(summary.heldout.bm25.questions).toBe(summary.heldout.questions);
    expect(summary.heldout.model['recall@10']).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.trainingData[0]).toMatch(/self-supervised pairs .* 12 local documents/);

    // Fine-tuning starts from that pack and keeps its featurizer.
    const tuned = path.join(dir, 'pack-tuned');
    const t = await docqa([
      'train',
      '--from-docs',
      docs,
      '--out',
      tuned,
      '--init-from',
      out,
      '--epochs',
      '1',
      '--heldout-frac',
      '0.2',
    ]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/BM25 \(same split\)/);
    expect(t.stdout).toMatch(/recall@1\s+recall@10/);
    const tunedManifest = JSON.parse(readFileSync(path.join(tuned, 'manifest.json'), 'utf8'));
    expect(tunedManifest.hashedNgram.featurizer.log2Buckets).toBe(12);
    expect(tunedManifest.training.initFrom).toBe(out);
    // The starting pack's licence and training data carry over to the fine-tuned one.
    expect(tunedManifest.license).toContain(`fine-tuned from pack-docs`);
    expect(tunedManifest.trainingData[0]).toBe(`pack-docs: ${manifest.trainingData[0]}`);
    expect(tunedManifest.trainingData).toHaveLength(2);
    // pack-docs ships no ranking stage, so neither does a pack tuned from it (score fusion).
    expect(tunedManifest.ranker).toBeUndefined();
  });

  it('keeps the built-in ranking stage in a pack fine-tuned from the built-in pack', async () => {
    const out = path.join(dir, 'pack-adapted');
    const r = await docqa(['train', '--from-docs', docs, '--out', out, '--epochs', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/its ranking stage is kept/);
    const builtin = builtinPackDir();
    const base = JSON.parse(readFileSync(path.join(builtin, 'manifest.json'), 'utf8'));
    const adapted = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(base.ranker).toBeDefined();
    const { carriedFrom, ...training } = adapted.ranker.training;
    expect(carriedFrom).toBe(`${base.name} ${base.version}`);
    expect({ ...adapted.ranker, training }).toEqual(base.ranker);
    for (const file of [base.ranker.file, base.ranker.background]) {
      expect(adapted.files[file]).toEqual(base.files[file]);
      expect(readFileSync(path.join(out, file))).toEqual(readFileSync(path.join(builtin, file)));
    }
    // Loads as the pack's ranker (files checked against the new manifest), not score fusion.
    const carried = readPackRanker(out);
    expect(carried?.model.training?.name).toBe(readPackRanker(builtin)?.model.training?.name);
    expect(carried?.background).not.toBeNull();
    // The towers did change: it is a new pack with the same ranking stage.
    expect(adapted.files['shared.bin']?.sha256 ?? adapted.files['question.onnx'].sha256).not.toBe(
      base.files['shared.bin']?.sha256 ?? base.files['question.onnx'].sha256,
    );
  });

  it('carries a ranking stage made by a newer DocQA as it is, and says this version ranks without it', async () => {
    // pack-docs with the built-in trees relabelled as a feature set from the future.
    const newer = path.join(dir, 'pack-newer');
    cpSync(path.join(dir, 'pack-docs'), newer, { recursive: true });
    const builtin = JSON.parse(readFileSync(path.join(builtinPackDir(), 'manifest.json'), 'utf8'));
    const trees = JSON.parse(readFileSync(path.join(builtinPackDir(), builtin.ranker.file), 'utf8'));
    const bytes = Buffer.from(
      JSON.stringify({
        ...trees,
        featureSet: 'docqa-rank-features-99',
        features: [...trees.features, 'aFeatureFromTheFuture'],
      }),
    );
    writeFileSync(path.join(newer, 'ranker.json'), bytes);
    const manifestPath = path.join(newer, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.files['ranker.json'] = {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
    };
    manifest.ranker = { file: 'ranker.json', featureSet: 'docqa-rank-features-99', training: {} };
    writeFileSync(manifestPath, JSON.stringify(manifest));

    const out = path.join(dir, 'pack-from-newer');
    const r = await docqa([
      'train',
      '--from-docs',
      docs,
      '--out',
      out,
      '--init-from',
      newer,
      '--epochs',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/made by a newer DocQA .* this version ranks with score fusion/);
    const tuned = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(tuned.ranker.featureSet).toBe('docqa-rank-features-99');
    expect(readFileSync(path.join(out, 'ranker.json'))).toEqual(bytes);
    expect(() => readPackRanker(out)).toThrow(/not ones this version of DocQA computes/);
  });

  it('refuses to change the shape of a pack it starts from', async () => {
    const r = await docqa([
      'train',
      '--from-docs',
      docs,
      '--out',
      path.join(dir, 'never'),
      '--init-from',
      path.join(dir, 'pack-docs'),
      '--dim',
      '8',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dim cannot change the pack training starts from/);
  });

  it('names the file and line of a malformed pair, in one line, with a non-zero exit', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      `${JSON.stringify({ question: 'q', passage: 'p' })}\n{"question": "q2", "passage": 3}\n`,
    );
    const r = await docqa(['train', '--pairs', bad, '--out', path.join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`docqa: ${bad}:2: "passage" must be a string`);
  });

  it.each([
    [['--epochs', 'lots'], '--epochs must be an integer from 1 to 1000 (got "lots")'],
    [['--design', 'nope'], 'unknown --design "nope"'],
    [['--table', 'int4'], '--table must be int8, float16 or float32 (got "int4")'],
  ])('rejects bad flags clearly: %s', async (flags, message) => {
    const good = path.join(dir, 'good.jsonl');
    writeFileSync(good, `${JSON.stringify({ question: 'q', passage: 'p' })}\n`);
    const r = await docqa(['train', '--pairs', good, '--out', path.join(dir, 'never'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
