import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library, type IngestSummary, type WatchEvent } from '../../main/engine/library/index.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { checkLibraryFile } from './consistency.js';
import { expectUserError, tempDir, writeTestPack } from './helpers.js';

const tmp = tempDir('docqa-packs-');
let packA: string;
let packAQuestion: string;
let packB: string;
let lib: Library;
let dbPath: string;

function consistency(): string[] {
  return checkLibraryFile(dbPath);
}

beforeAll(async () => {
  packA = await writeTestPack(path.join(tmp.dir, 'pack-a'), { seed: 1, name: 'pack-a' });
  // Same answer tower as A, different question tower.
  packAQuestion = await writeTestPack(path.join(tmp.dir, 'pack-a-q'), {
    seed: 1,
    questionSeed: 9,
    name: 'pack-a-q',
  });
  packB = await writeTestPack(path.join(tmp.dir, 'pack-b'), { seed: 2, dim: 48, name: 'pack-b' });
  for (let i = 0; i < 40; i++) {
    tmp.file(
      `docs/note-${i}.md`,
      `# Note ${i}\n\nThe harbour ferry number ${i} leaves at ${i % 12} o'clock from pier ${i % 5}.\n\n第${i}号渡轮从${i % 5}号码头出发。\n`,
    );
  }
  tmp.file('docs/owl.txt', 'The snowy owl hunts lemmings on the tundra at dusk.\n');
  dbPath = path.join(tmp.dir, 'lib.sqlite');
  lib = await Library.open({ dbPath, provider: 'cpu' });
  await lib.updateSettings({ packDir: packA });
  await lib.addFolder(path.join(tmp.dir, 'docs'));
  await lib.ingest();
});

afterAll(async () => {
  await lib?.close();
  tmp.cleanup();
});

describe('switching tower packs', () => {
  it('needs no re-embedding when only the question tower changes', async () => {
    const [before] = lib.vectorSets();
    await lib.updateSettings({ packDir: packAQuestion });
    const progress = await lib.reembed();
    expect(progress.phase).toBe('done');
    const [after] = lib.vectorSets();
    expect(after.id).toBe(before.id);
    expect(after.questionHash).not.toBe(before.questionHash);
    expect(after.packName).toBe('pack-a-q');
    expect((await lib.status()).needsReembed).toBe(false);
    expect((await lib.ask('snowy owl tundra', { mode: 'dense' })).results[0].path).toBe('owl.txt');
  });

  it('re-embeds for a new answer tower while search keeps using the old vectors, then switches', async () => {
    // A session with another pack (like `--model`): nothing starts on its own.
    const other = await Library.open({ dbPath, packDir: packB, provider: 'cpu' });
    const status = await other.status();
    expect(status.needsReembed).toBe(true);
    expect(status.pack.name).toBe('pack-b');
    // Until the new set is complete, dense search uses the old vectors with the old question tower.
    const meanwhile = await other.ask('snowy owl tundra', { mode: 'dense' });
    expect(meanwhile.results[0].path).toBe('owl.txt');

    const seen: number[] = [];
    let askedDuring = 0;
    const done = await other.reembed({
      onProgress: (p) => {
        seen.push(p.chunksDone);
        void lib.ask('ferry pier', { mode: 'dense' }).then((a) => {
          if (a.results.length) askedDuring++;
        });
      },
    });
    expect((await other.status()).needsReembed).toBe(false);
    await other.close();
    expect(done.phase).toBe('done');
    expect(done.chunksDone).toBe(status.chunks);
    expect(seen.length).toBeGreaterThan(0);
    const sets = lib.vectorSets();
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ state: 'active', packName: 'pack-b', dim: 48 });
    // The first session (configured pack A', whose answer tower no longer made the vectors) follows the switch.
    expect((await lib.status()).needsReembed).toBe(true);
    expect((await lib.ask('snowy owl tundra', { mode: 'dense' })).results[0].path).toBe('owl.txt');
    await new Promise((r) => setTimeout(r, 50));
    expect(askedDuring).toBeGreaterThan(0);
    expect(consistency()).toEqual([]);
  });

  it('refuses a pack folder that does not exist', async () => {
    await expectUserError(lib.updateSettings({ packDir: path.join(tmp.dir, 'missing-pack') }), /not found/);
  });
});

describe('watching folders', () => {
  it('indexes added and changed files and drops deleted ones', async () => {
    const events: WatchEvent[] = [];
    const indexed = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const t = setInterval(() => {
          const i = events.findIndex((e) => e.type === 'indexed' || e.type === 'error');
          if (i < 0) return;
          clearInterval(t);
          const [e] = events.splice(i, 1);
          if (e.type === 'error') reject(new Error(e.message));
          else resolve();
        }, 20);
      });
    const indexedSummary = async (): Promise<IngestSummary> => {
      while (!events.some((e) => e.type === 'indexed' || e.type === 'error'))
        await new Promise((r) => setTimeout(r, 20));
      const e = events.splice(
        events.findIndex((x) => x.type === 'indexed' || x.type === 'error'),
        1,
      )[0];
      if (e.type === 'error') throw new Error(e.message);
      return (e as Extract<WatchEvent, { type: 'indexed' }>).summary;
    };
    const documentRow = (relPath: string) => {
      const db = openDatabase(dbPath, { readonly: true });
      try {
        return db
          .prepare(
            `SELECT d.id, d.rel_path, (SELECT group_concat(c.id) FROM chunks c WHERE c.document_id = d.id) AS chunks,
                    (SELECT COUNT(*) FROM signals s WHERE s.document_id = d.id) AS signals
               FROM documents d WHERE d.rel_path = ?`,
          )
          .get(relPath) as { id: number; rel_path: string; chunks: string; signals: number };
      } finally {
        db.close();
      }
    };
    const stop = await lib.watch((e) => events.push(e));
    try {
      tmp.file('docs/new.txt', 'A brand new note about the platypus and its eggs.\n');
      await indexed();
      expect((await lib.ask('platypus eggs', { mode: 'bm25' })).results[0].path).toBe('new.txt');
      expect(events.some((e) => e.type === 'changed' && e.path === 'new.txt')).toBe(true);

      writeFileSync(path.join(tmp.dir, 'docs', 'owl.txt'), 'The snowy owl also eats voles in winter.\n');
      await indexed();
      const owl = await lib.ask('voles winter', { mode: 'bm25' });
      expect(owl.results[0].path).toBe('owl.txt');
      expect((await lib.ask('lemmings', { mode: 'bm25' })).results).toEqual([]);

      rmSync(path.join(tmp.dir, 'docs', 'new.txt'));
      await indexed();
      expect((await lib.ask('platypus eggs', { mode: 'bm25' })).results).toEqual([]);

      // Renamed while watched: the document follows the file, with its passages and the user's signal.
      const asked = await lib.ask('voles winter', { mode: 'bm25', log: true });
      await lib.feedback(asked.answerId!, 1, 'good');
      const before = documentRow('owl.txt');
      renameSync(path.join(tmp.dir, 'docs', 'owl.txt'), path.join(tmp.dir, 'docs', 'snowy-owl.txt'));
      const summary = await indexedSummary();
      expect(summary).toMatchObject({ filesAdded: 0, filesUpdated: 1, filesRemoved: 0, chunks: 0 });
      expect(documentRow('snowy-owl.txt')).toEqual({ ...before, rel_path: 'snowy-owl.txt' });
      expect((await lib.ask('voles winter', { mode: 'bm25' })).results[0].path).toBe('snowy-owl.txt');
    } finally {
      await stop();
    }
    expect(consistency()).toEqual([]);
  });

  it('returns at once when the library has no folders', async () => {
    const empty = await Library.open({
      dbPath: path.join(tmp.dir, 'empty.sqlite'),
      packDir: packA,
      provider: 'cpu',
    });
    try {
      // Nothing to watch: no watcher starts, no event (not even an error) is reported, and stopping is a no-op.
      const events: WatchEvent[] = [];
      const stop = await empty.watch((e) => events.push(e));
      expect(stop).toBeTypeOf('function');
      await expect(stop()).resolves.toBeUndefined();
      expect(events).toEqual([]);
      expect((await empty.status()).folders).toEqual([]);
    } finally {
      await empty.close();
    }
  });
});
