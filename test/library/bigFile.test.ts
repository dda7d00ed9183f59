import { openSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library, type IngestProgress } from '../../main/engine/library/index.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { checkConsistency } from './consistency.js';
import { tempDir, writeTestPack } from './helpers.js';

const tmp = tempDir('docqa-big-');
let lib: Library;
let dbPath: string;

beforeAll(async () => {
  const pack = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 16 });
  // 10 MB on one line: no newline, no sentence end, one marker word in the middle.
  const file = path.join(tmp.dir, 'docs', 'one-line.txt');
  tmp.file('docs/small.txt', 'A small note about kittens.\n');
  const fd = openSync(file, 'w');
  const block = 'lorem ipsum dolor sit amet consectetur adipiscing elit '.repeat(1000);
  let written = 0;
  while (written < 10 * 1024 * 1024) {
    writeSync(fd, written === 5 * block.length * 18 ? `${block} xylophone ` : block);
    written += block.length;
  }
  closeSync(fd);
  dbPath = path.join(tmp.dir, 'lib.sqlite');
  lib = await Library.open({ dbPath, packDir: pack, provider: 'cpu' });
  await lib.addFolder(path.join(tmp.dir, 'docs'));
});

afterAll(async () => {
  await lib?.close();
  tmp.cleanup();
});

describe('a 10 MB single-line file', () => {
  it('is indexed in bounded-size chunks and stays searchable', async () => {
    const progress: IngestProgress[] = [];
    const summary = await lib.ingest({ onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({ phase: 'done', filesAdded: 2, filesFailed: 0 });
    // The wait on a large file is explained as it happens: which file is being read and how big it is,
    // then how many of its passages are being embedded; and the model load has a phase of its own.
    const phases = progress.map((p) => p.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
    expect(phases).toEqual(['scanning', 'removing', 'loading-model', 'indexing', 'done']);
    expect(progress).toContainEqual(
      expect.objectContaining({
        phase: 'indexing',
        step: 'extracting',
        currentFile: 'one-line.txt',
        currentFileBytes: expect.any(Number),
      }),
    );
    const reading = progress.find((p) => p.step === 'extracting' && p.currentFile === 'one-line.txt')!;
    expect(reading.currentFileBytes).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(progress.some((p) => p.step === 'embedding' && p.passagesPending > 5000)).toBe(true);
    // Inside the large file the count of passages left and the bar both move before it is written.
    const big = progress.filter((p) => p.phase === 'indexing' && p.filesDone + p.filesFailed < 2);
    const pending = new Set(big.map((p) => p.passagesPending).filter((n) => n > 0));
    expect(pending.size).toBeGreaterThanOrEqual(3);
    const bytes = big.map((p) => p.bytesDone);
    expect(bytes.some((b) => b > 1024 * 1024 && b < summary.bytesTotal)).toBe(true);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone);
    const db = openDatabase(dbPath, { readonly: true });
    try {
      const { n, longest } = db
        .prepare('SELECT COUNT(*) AS n, MAX(LENGTH(text)) AS longest FROM chunks')
        .get() as { n: number; longest: number };
      expect(n).toBeGreaterThan(5000);
      expect(longest).toBeLessThanOrEqual(2000);
      expect(checkConsistency(db)).toEqual([]);
    } finally {
      db.close();
    }
    const hit = await lib.ask('xylophone', { mode: 'bm25' });
    expect(hit.results[0]).toMatchObject({ path: 'one-line.txt', line: 1 });
    expect(hit.results[0].text).toContain('xylophone');
    expect((await lib.ask('kittens', { mode: 'hybrid' })).results[0].path).toBe('small.txt');
  });
});
