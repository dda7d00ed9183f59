import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../main/api/contract.js';
import { createApi } from '../../main/api/dispatcher.js';
import { FolderWatch } from '../../main/api/folderWatch.js';
import { WorkerEngine } from '../../main/api/workerEngine.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { createWebHost } from '../../main/server/webHost.js';
import { writeSmallPack, writeTree } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-catch-up-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What the desktop app and web mode do when they start: watch the folders and catch up. */
async function openApp(dbPath: string) {
  const engine = await WorkerEngine.start({ dbPath });
  const api = createApi(engine, createWebHost('test'));
  const events: ApiEvent[] = [];
  api.events.subscribe((e) => events.push(e));
  const watch = new FolderWatch(engine, api.events);
  await watch.open(api.ingest);
  return {
    engine,
    api,
    events,
    close: async () => {
      await watch.close();
      await api.ingest.whenIdle();
      await engine.close();
    },
  };
}

describe('opening the app catches up with what changed while it was closed', () => {
  it('indexes edited, new and deleted files and files of an older reader, then leaves the rest alone', async () => {
    const docs = path.join(tmp, 'docs');
    const dbPath = path.join(tmp, 'library.sqlite');
    writeTree(docs, {
      'hives.md': '# Hives\n\nA hive needs water within a short flight.\n',
      'pears.txt': 'Pear trees are pruned in late winter.\n',
      'plums.txt': 'Plums ripen in August.\n',
      'cider.txt': 'Cider presses are cleaned after every pressing.\n',
    });
    const first = await openApp(dbPath);
    try {
      await first.engine.updateSettings({ packDir: await writeSmallPack(path.join(tmp, 'pack')) });
      await first.engine.addFolder(docs);
      await first.api.ingest.whenIdle();
      await first.engine.ingest({});
    } finally {
      await first.close();
    }

    // While DocQA is closed: an edit, a new file, a deletion; and cider.txt was read by an older reader.
    writeFileSync(
      path.join(docs, 'pears.txt'),
      'Pear trees are pruned in late winter and thinned in June.\n',
    );
    writeFileSync(path.join(docs, 'quinces.txt'), 'Quinces want a sheltered corner.\n');
    unlinkSync(path.join(docs, 'plums.txt'));
    const db = openDatabase(dbPath);
    db.prepare("UPDATE documents SET reader = 'text.0/chunker.0' WHERE rel_path = 'cider.txt'").run();
    db.close();

    const app = await openApp(dbPath);
    try {
      expect(app.api.ingest.state().running).toBe(true);
      await app.api.ingest.whenIdle();
      const summary = app.api.ingest.state().lastSummary!;
      expect(summary).toMatchObject({ filesAdded: 1, filesUpdated: 2, filesRemoved: 1, filesSkipped: 1 });
      expect(app.events.some((e) => e.type === 'ingest-progress')).toBe(true);
      const answer = await app.engine.ask('When are pear trees thinned?', { mode: 'bm25' });
      expect(answer.results[0].path).toBe('pears.txt');
      expect((await app.engine.ask('sheltered corner quinces', { mode: 'bm25' })).results[0].path).toBe(
        'quinces.txt',
      );
      expect(
        (await app.engine.ask('plums ripen August', { mode: 'bm25' })).results.map((r) => r.path),
      ).not.toContain('plums.txt');
    } finally {
      await app.close();
    }

    // Nothing changed since: the next opening reads nothing.
    const again = await openApp(dbPath);
    try {
      await again.api.ingest.whenIdle();
      expect(again.api.ingest.state().lastSummary).toMatchObject({
        filesAdded: 0,
        filesUpdated: 0,
        filesRemoved: 0,
        filesSkipped: 4,
      });
    } finally {
      await again.close();
    }
  });

  it('starts no run for a library without folders', async () => {
    const app = await openApp(path.join(tmp, 'empty.sqlite'));
    try {
      expect(app.api.ingest.state()).toMatchObject({ running: false, lastSummary: null });
    } finally {
      await app.close();
    }
  });
});
