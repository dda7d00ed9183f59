import path from 'node:path';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import { FOLDER_RESTORE_WINDOW_MS } from '../../main/engine/store/removedFolders.js';
import { expectUserError, tempDir, type TempDir } from './helpers.js';

/**
 * Removing a folder drops its passages; "Undo" puts the folder back and indexes it again.
 * What the user said of its passages cannot be indexed again, so it is kept meanwhile.
 */
const TOPICS = ['kettle', 'toaster', 'blender', 'grinder'];
const manual = (t: string) =>
  `# The ${t}\n\nThe ${t} is a kitchen appliance; every ${t} has a model number on its base.\n\n` +
  `# Descaling\n\nFill the tank with one part vinegar and two parts water, run the ${t} empty twice, then rinse it.\n`;

let tmp: TempDir;
let lib: Library;
let dbPath: string;
let docs: string;

beforeEach(async () => {
  tmp = tempDir('docqa-remove-undo-');
  for (const t of TOPICS) tmp.file(path.join('docs', `${t}.md`), manual(t));
  tmp.file(path.join('docs', 'drafts', 'draft.md'), '# Draft\n\nA descaling draft nobody should see.\n');
  docs = path.join(tmp.dir, 'docs');
  dbPath = path.join(tmp.dir, 'lib.sqlite');
  lib = await Library.open({ dbPath, provider: 'cpu' });
  await lib.updateSettings({ learning: false });
  const folder = await lib.addFolder(docs, { ignore: ['drafts/'] });
  await lib.ingest({ folderIds: [folder.id] });
});

afterEach(async () => {
  await lib.close();
  tmp.cleanup();
});

const folderOf = async () => (await lib.listFolders()).find((f) => f.path === docs);

/** Asks, and says "this answered it" of the descaling passage. */
async function chooseDescaling(question: string): Promise<number> {
  const a = await lib.ask(question, { k: 5, log: true });
  const rank = a.results.findIndex((r) => r.text.includes('vinegar')) + 1;
  expect(rank).toBeGreaterThan(0);
  await lib.feedback(a.answerId!, rank, 'good');
  return rank;
}

const signalIds = () => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT id FROM signals ORDER BY id').pluck().all() as number[];
  } finally {
    db.close();
  }
};

describe('removing a folder, and undoing it', () => {
  it('puts the folder back with its ignore patterns, and gives back what the user said of its passages', async () => {
    const question = 'how do I descale the kettle?';
    await chooseDescaling(question);
    await chooseDescaling('vinegar for the grinder?');
    const before = await folderOf();
    const ids = signalIds();
    expect(ids).toHaveLength(2);

    const { removalId } = await lib.removeFolder(before!.id);
    expect(await folderOf()).toBeUndefined();
    const status = await lib.status();
    expect(status.documents).toBe(0);
    expect(status.removedFolders).toEqual([{ removalId, path: docs, removedAt: expect.any(String) }]);
    expect(signalIds()).toHaveLength(0);

    const restored = await lib.restoreFolder(removalId);
    expect(restored.path).toBe(docs);
    expect(restored.state).toBe('new');
    expect((await lib.status()).removedFolders).toEqual([]);
    const summary = await lib.ingest({ folderIds: [restored.id] });
    expect(summary.filesAdded).toBe(TOPICS.length); // the draft stays ignored
    expect((await folderOf())!.documents).toBe(before!.documents);
    // Nothing embedded again: every passage took the vector it had.
    expect(summary.chunks).toBe(before!.chunks);
    expect(summary.passagesKept).toBe(before!.chunks);
    // The same signals, with their own ids, on the passages with the same text.
    expect(signalIds()).toEqual(ids);
    const exported = (await lib.exportSignals())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { question: string; passage: { path: string; text: string } });
    expect(exported.find((s) => s.question === question)?.passage.path).toBe('kettle.md');
    // The exact-question memory works again: the chosen passage first.
    expect((await lib.ask(question, { k: 5 })).results[0].text).toContain('vinegar');

    // Undone once: not twice.
    await expectUserError(lib.restoreFolder(removalId), /cannot be undone/);
    // Nothing is left waiting once the folder was indexed whole.
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM removed_folders').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM removed_vectors').pluck().get()).toBe(0);
    db.close();
  });

  it('gives back nothing erased since the removal, and nothing whose passage text changed', async () => {
    await chooseDescaling('how do I descale the kettle?');
    await chooseDescaling('how do I descale the toaster?');
    const { removalId } = await lib.removeFolder((await folderOf())!.id);
    // The toaster's descaling passage reads otherwise when the folder comes back.
    writeFileSync(path.join(docs, 'toaster.md'), manual('toaster').replace('twice', 'three times'));
    const restored = await lib.restoreFolder(removalId);
    await lib.ingest({ folderIds: [restored.id] });
    expect(signalIds()).toHaveLength(1);

    const again = await lib.removeFolder(restored.id);
    const kept = () => {
      const db = new Database(dbPath, { readonly: true });
      try {
        const json = db
          .prepare('SELECT carried FROM removed_folders WHERE id = ?')
          .pluck()
          .get(again.removalId);
        return (JSON.parse(json as string) as { signals: unknown[] }).signals.length;
      } finally {
        db.close();
      }
    };
    expect(kept()).toBe(1);
    await lib.eraseSignals();
    // Erased from the library file, not only kept from coming back.
    expect(kept()).toBe(0);
    const back = await lib.restoreFolder(again.removalId);
    await lib.ingest({ folderIds: [back.id] });
    expect(signalIds()).toHaveLength(0);
  });

  it('keeps what a cancelled run did not give back for the next run', async () => {
    await chooseDescaling('how do I descale the toaster?');
    const ids = signalIds();
    const { removalId } = await lib.removeFolder((await folderOf())!.id);
    // Many files read before the toaster's: the run is stopped as it starts reading them.
    for (let i = 0; i < 1000; i++)
      writeFileSync(
        path.join(docs, `a-note-${String(i).padStart(3, '0')}.md`),
        `# Note ${i}\n\nNote ${i}.\n`,
      );
    const restored = await lib.restoreFolder(removalId);
    const stop = new AbortController();
    const cancelled = await lib.ingest({
      folderIds: [restored.id],
      signal: stop.signal,
      onProgress: (p) => {
        if (p.phase === 'indexing') stop.abort();
      },
    });
    expect(cancelled.phase).toBe('cancelled');
    expect(signalIds()).toHaveLength(0);
    // Removed and put back again before they went back: still kept.
    const again = await lib.restoreFolder((await lib.removeFolder(restored.id)).removalId);
    await lib.ingest({ folderIds: [again.id] });
    expect(signalIds()).toEqual(ids);
  });

  it('gives the signals to the folder when it was added again before the undo', async () => {
    await chooseDescaling('how do I descale the kettle?');
    const ids = signalIds();
    const { removalId } = await lib.removeFolder((await folderOf())!.id);
    const readded = await lib.addFolder(docs, { ignore: [] });
    // In the library again: not offered as removed (the CLI's --undo still gives the signals back).
    expect((await lib.status()).removedFolders).toEqual([]);
    await lib.ingest({ folderIds: [readded.id] });
    expect(signalIds()).toHaveLength(0);
    const restored = await lib.restoreFolder(removalId);
    expect(restored.id).toBe(readded.id);
    await lib.ingest({ folderIds: [restored.id] });
    expect(signalIds()).toEqual(ids);
    // Its own patterns stay: the draft it admitted is still there.
    expect((await folderOf())!.documents).toBe(TOPICS.length + 1);
  });

  it('forgets a removal after the undo window, and refuses what was never removed', async () => {
    const { removalId } = await lib.removeFolder((await folderOf())!.id);
    await lib.close();
    const db = new Database(dbPath);
    expect(db.prepare('SELECT COUNT(*) FROM removed_vectors').pluck().get()).toBeGreaterThan(0);
    const old = new Date(Date.now() - FOLDER_RESTORE_WINDOW_MS - 60_000).toISOString();
    db.prepare('UPDATE removed_folders SET removed_at = ?').run(old);
    db.close();
    lib = await Library.open({ dbPath, provider: 'cpu' });
    await expectUserError(lib.restoreFolder(removalId), /more than 10 minutes ago/);
    await expectUserError(lib.restoreFolder(removalId + 1), /cannot be undone/);
    const check = new Database(dbPath, { readonly: true });
    // Opening the library removed the record for good, with the vectors it kept.
    expect(check.prepare('SELECT COUNT(*) FROM removed_folders').pluck().get()).toBe(0);
    expect(check.prepare('SELECT COUNT(*) FROM removed_vectors').pluck().get()).toBe(0);
    check.close();
    expect(lib.restorableRemovalOf(docs)).toBeNull();
  });
});
