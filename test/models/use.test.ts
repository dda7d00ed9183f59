import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import type { ReembedProgress } from '../../main/engine/library/index.js';
import { importFolder } from '../../main/engine/models/importFolder.js';
import { openPack } from '../../main/engine/towers/openPack.js';
import { writeTinyExport } from '../transformer/tinyExport.js';

const run = promisify(execFile);
let tmp: string;
let modelsDir: string;
const packs: Record<string, string> = {};

const SENTENCES = [
  'the cat sat on the mat.',
  'docqa answers questions about your documents offline.',
  'hello world, what did the cat sat on?',
  '猫坐在垫子上。',
  '文档问答。',
];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'docqa-use-'));
  modelsDir = path.join(tmp, 'models');
  await writeTinyExport(path.join(tmp, 'a'), { seed: 101 });
  await writeTinyExport(path.join(tmp, 'b'), { seed: 202 });
  const imp = async (name: string, src: string, questionPrefix: string) =>
    (packs[name] = (
      await importFolder(path.join(tmp, src), {
        modelsDir,
        name,
        pooling: 'mean',
        questionPrefix,
        answerPrefix: 'passage: ',
        maxLength: 32,
      })
    ).dir);
  await imp('pack-a', 'a', 'query: ');
  await imp('pack-b', 'b', 'query: ');
  // Same answer tower as pack-b, another question prefix: a question-only change.
  await imp('pack-b-q', 'b', 'question: ');
  const docs = path.join(tmp, 'docs');
  await mkdir(docs);
  for (let i = 0; i < 60; i++)
    await writeFile(
      path.join(docs, `note-${i}.txt`),
      `${SENTENCES[i % 5]}\n\n${SENTENCES[(i + 2) % 5]} ${i}\n`,
    );
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('switching a library between transformer packs', () => {
  it('a new answer tower re-embeds while search keeps answering; a question-only change does not', async () => {
    const lib = await Library.open({ dbPath: path.join(tmp, 'lib.sqlite') });
    try {
      await lib.updateSettings({ packDir: packs['pack-a'], provider: 'cpu' });
      await lib.addFolder(path.join(tmp, 'docs'));
      const summary = await lib.ingest();
      expect(summary.chunks).toBeGreaterThan(0);
      expect((await lib.status()).pack.name).toBe('pack-a');
      const before = await lib.ask('what did the cat sat on?', { mode: 'dense' });
      expect(before.results.length).toBeGreaterThan(0);

      // Switch the answer tower; ask while the new vectors are being made.
      const during: Promise<{ results: unknown[] }>[] = [];
      const events: ReembedProgress[] = [];
      const done = await lib.reembed({
        packDir: packs['pack-b'],
        onProgress: (p) => {
          events.push(p);
          if (!during.length) during.push(lib.ask('what did the cat sat on?', { mode: 'dense' }));
        },
      });
      // The question went in while the new set was still being filled.
      expect(events[0].phase).toBe('embedding');
      expect(done.phase).toBe('done');
      expect(done.chunksDone).toBe(done.chunksTotal);
      expect(done.chunksTotal).toBeGreaterThan(0);
      const mid = await during[0];
      expect(mid.results.length).toBeGreaterThan(0);
      const status = await lib.status();
      expect(status.pack.name).toBe('pack-b');
      expect(status.needsReembed).toBe(false);

      // The vectors now come from pack-b's answer tower: dense scores are pack-b's question·answer products.
      const b = await openPack(packs['pack-b'], { provider: 'cpu', threads: 1 });
      try {
        const after = await lib.ask('hello world', { mode: 'dense', k: 1 });
        const q = await b.embedQuestions(['hello world']);
        const top = after.results[0];
        const a = await b.embedAnswers([top.text]);
        const dot = q.reduce((s, v, i) => s + v * a[i], 0);
        expect(top.channels.dense).toBeDefined();
        expect(Math.abs(dot - top.channels.dense!)).toBeLessThan(0.05);
      } finally {
        await b.close();
      }

      // Question tower only: nothing to re-embed.
      const q = await lib.reembed({ packDir: packs['pack-b-q'] });
      expect(q).toMatchObject({ phase: 'done', chunksDone: 0 });
      expect((await lib.status()).needsReembed).toBe(false);
    } finally {
      await lib.close();
    }
  });

  it('docqa models use <name> through the CLI (back to pack-a on the same library)', async () => {
    const dbPath = path.join(tmp, 'lib.sqlite');
    const { stdout } = await run(
      process.execPath,
      [
        path.resolve('bin/docqa.js'),
        'models',
        '--models-dir',
        modelsDir,
        'use',
        'pack-a',
        '--db',
        dbPath,
        '--json',
      ],
      {
        env: { ...process.env, DOCQA_FROM_SOURCE: '1' },
      },
    );
    const got = JSON.parse(stdout);
    expect(got.pack.name).toBe('pack-a');
    expect(got.result.phase).toBe('done');
    expect(got.result.chunksTotal).toBeGreaterThan(0);
    expect(got.needsReembed).toBe(false);
  });
});
