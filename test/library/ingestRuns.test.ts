import { spawn } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import type { IngestSummary } from '../../main/engine/library/types.js';
import { IngestLock, isIngestRunning } from '../../main/engine/library/ingestLock.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { checkLibraryFile } from './consistency.js';
import { tempDir, writeTestPack } from './helpers.js';

const tmp = tempDir('docqa-runs-');
let packDir: string;

beforeAll(async () => {
  packDir = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
});
afterAll(() => tmp.cleanup());

function writeFolder(name: string, files: number): string {
  for (let i = 0; i < files; i++)
    tmp.file(path.join(name, `note-${i}.txt`), `Note ${i}. ${'Tides follow the moon. '.repeat(20)}\n`);
  return path.join(tmp.dir, name);
}

describe('the failed-file count', () => {
  it('is one number: the run summary, status and the failed list agree, on every run', async () => {
    const docs = writeFolder('failing', 3);
    tmp.file('failing/broken.pdf', 'not a pdf');
    tmp.file('failing/empty.txt', '');
    symlinkSync(docs, path.join(docs, 'loop'), 'dir'); // a scan failure: a link loop
    const lib = await Library.open({
      dbPath: path.join(tmp.dir, 'failing.sqlite'),
      packDir,
      provider: 'cpu',
    });
    try {
      await lib.addFolder(docs);
      for (const run of ['first', 'unchanged']) {
        const summary = await lib.ingest();
        const status = await lib.status();
        expect(status.failed, run).toBe(3);
        expect(summary.filesFailed, run).toBe(status.failed);
        expect((await lib.failedFiles()).length, run).toBe(status.failed);
        expect(status.folders[0]!.failed, run).toBe(status.failed);
      }
    } finally {
      await lib.close();
    }
  });
});

describe('the failed-file list', () => {
  it('is in the order a file manager shows: numbers by value, letters without regard to case', async () => {
    for (const name of ['scan-10.txt', 'scan-2.txt', 'Scan-3.txt', 'scan-1.txt', 'a/b.txt', 'B.txt'])
      tmp.file(path.join('ordered', name), '');
    const lib = await Library.open({
      dbPath: path.join(tmp.dir, 'ordered.sqlite'),
      packDir,
      provider: 'cpu',
    });
    try {
      await lib.addFolder(path.join(tmp.dir, 'ordered'));
      await lib.ingest();
      expect((await lib.failedFiles()).map((f) => f.path)).toEqual([
        'a/b.txt',
        'B.txt',
        'scan-1.txt',
        'scan-2.txt',
        'Scan-3.txt',
        'scan-10.txt',
      ]);
    } finally {
      await lib.close();
    }
  });
});

describe('two ingests of one library at the same time', () => {
  it('the second waits for the first (and says so), then runs; nothing is written twice', async () => {
    const dbPath = path.join(tmp.dir, 'shared.sqlite');
    const docs = writeFolder('shared', 60);
    // Two Library objects on one file: separate connections and job workers, as two processes have.
    const first = await Library.open({ dbPath, packDir, provider: 'cpu' });
    const second = await Library.open({ dbPath, packDir, provider: 'cpu' });
    try {
      await first.addFolder(docs);
      let waited = 0;
      const secondPhases: string[] = [];
      const runs: Promise<IngestSummary>[] = [];
      const a = await first.ingest({
        onProgress: () => {
          // Started from inside the first run: it certainly holds the library now.
          if (!runs.length)
            runs.push(
              second.ingest({ onWaiting: () => waited++, onProgress: (p) => secondPhases.push(p.phase) }),
            );
        },
      });
      expect(runs).toHaveLength(1);
      const b = await runs[0]!;
      expect(waited).toBe(1);
      // Its progress says it waits before it scans (what the app shows).
      expect(secondPhases[0]).toBe('waiting');
      expect(secondPhases.filter((p) => p === 'waiting')).toHaveLength(1);
      expect(secondPhases.at(-1)).toBe('done');
      expect(a).toMatchObject({ phase: 'done', filesAdded: 60, filesFailed: 0 });
      // It ran after the first had finished: everything was already there.
      expect(b).toMatchObject({ phase: 'done', filesAdded: 0, filesSkipped: 60, filesFailed: 0 });
      expect(checkLibraryFile(dbPath)).toEqual([]);
      expect(isIngestRunning(dbPath)).toBe(false);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a run that is waiting can be cancelled', async () => {
    const dbPath = path.join(tmp.dir, 'cancel.sqlite');
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    const held = IngestLock.tryAcquire(dbPath)!;
    try {
      expect(held).not.toBeNull();
      expect(IngestLock.tryAcquire(dbPath)).toBeNull();
      const abort = new AbortController();
      const run = lib.ingest({ signal: abort.signal, onWaiting: () => abort.abort() });
      await expect(run).rejects.toThrow(/another ingest was running/);
    } finally {
      held.release();
      await lib.close();
    }
  });
});

describe('a folder left "indexing" by a killed run', () => {
  it('shows as it was before that run once the run is gone (kill -9), and as indexing while one holds the library', async () => {
    const dbPath = path.join(tmp.dir, 'killed.sqlite');
    const docs = writeFolder('killed', 400);
    const lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
    await lib.addFolder(docs);
    await lib.close();
    // A child process indexes; it is killed with SIGKILL once the folder is marked 'indexing'.
    const bin = fileURLToPath(new URL('../../bin/docqa.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'ingest', docs, '--db', dbPath, '--model', packDir], {
      env: { ...process.env, DOCQA_FROM_SOURCE: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const stateInFile = (): string => {
      const db = openDatabase(dbPath, { readonly: true });
      try {
        return db.prepare('SELECT state FROM folders').pluck().get() as string;
      } finally {
        db.close();
      }
    };
    while (stateInFile() !== 'indexing') await new Promise((resolve) => setTimeout(resolve, 20));
    expect(isIngestRunning(dbPath)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    expect(stateInFile()).toBe('indexing'); // what the killed run left behind
    expect(isIngestRunning(dbPath)).toBe(false);

    const after = await Library.open({ dbPath, packDir, provider: 'cpu' });
    try {
      expect((await after.status()).folders[0]!.state).toBe('new');
      expect((await after.listFolders())[0]!.state).toBe('new');
      // While a run holds the library (here: a lock taken by hand), the stored state is live.
      const held = IngestLock.tryAcquire(dbPath)!;
      try {
        expect((await after.status()).folders[0]!.state).toBe('indexing');
      } finally {
        held.release();
      }
      const summary = await after.ingest();
      expect(summary.phase).toBe('done');
      expect((await after.status()).folders[0]!.state).toBe('ok');
      expect(checkLibraryFile(dbPath)).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
