import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { watchFolders, type FolderEvent, type FolderWatcher } from '../../main/engine/ingest/watchFolders.js';
import { useTempDir } from './helpers/tempDir.js';

const tempDir = useTempDir();
const DEBOUNCE_MS = 150;

/** Collects events; `next(n)` waits until at least n have arrived in total. */
function collector() {
  const events: FolderEvent[] = [];
  let wake: (() => void) | null = null;
  return {
    events,
    onEvent(e: FolderEvent) {
      events.push(e);
      wake?.();
    },
    async next(count: number, timeoutMs = 10_000): Promise<FolderEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      return events.slice();
    },
  };
}

const quiet = (ms = DEBOUNCE_MS * 4) => new Promise((resolve) => setTimeout(resolve, ms));

async function withWatcher(
  roots: string[],
  c: ReturnType<typeof collector>,
  body: (w: FolderWatcher) => Promise<void>,
  ignore?: string[],
) {
  const watcher = watchFolders(roots, { onEvent: (e) => c.onEvent(e), debounceMs: DEBOUNCE_MS, ignore });
  try {
    await watcher.ready;
    await body(watcher);
  } finally {
    await watcher.close();
  }
}

describe('watchFolders', () => {
  it('reports add, change and unlink of readable files, relative to their root', async () => {
    const dir = tempDir();
    dir.write('existing.md', 'old');
    const c = collector();
    await withWatcher([dir.root], c, async () => {
      writeFileSync(dir.path('new.txt'), 'hello');
      expect(await c.next(1)).toEqual([{ type: 'add', root: dir.root, relPath: 'new.txt' }]);
      appendFileSync(dir.path('existing.md'), ' more');
      expect((await c.next(2))[1]).toEqual({ type: 'change', root: dir.root, relPath: 'existing.md' });
      unlinkSync(dir.path('new.txt'));
      expect((await c.next(3))[2]).toEqual({ type: 'unlink', root: dir.root, relPath: 'new.txt' });
    });
  });

  it('reports a rename as unlink + add, and a removed folder as unlinkDir', async () => {
    const dir = tempDir();
    dir.write('sub/inner.md', 'x');
    dir.write('a.md', 'x');
    const c = collector();
    await withWatcher([dir.root], c, async () => {
      renameSync(dir.path('a.md'), dir.path('b.md'));
      const events = await c.next(2);
      expect(events).toEqual(
        expect.arrayContaining([
          { type: 'unlink', root: dir.root, relPath: 'a.md' },
          { type: 'add', root: dir.root, relPath: 'b.md' },
        ]),
      );
      rmSync(dir.path('sub'), { recursive: true });
      await c.next(3);
      await quiet();
      expect(c.events.slice(2)).toContainEqual({ type: 'unlinkDir', root: dir.root, relPath: 'sub' });
    });
  });

  it('ignores what the scanner ignores: hidden, default-ignored, unsupported and library-ignored files', async () => {
    const dir = tempDir();
    dir.mkdir('node_modules');
    dir.mkdir('drafts');
    const c = collector();
    await withWatcher(
      [dir.root],
      c,
      async () => {
        writeFileSync(dir.path('.hidden.md'), 'x');
        writeFileSync(dir.path('node_modules/readme.md'), 'x');
        writeFileSync(dir.path('photo.png'), 'x');
        writeFileSync(dir.path('drafts/wip.md'), 'x');
        writeFileSync(dir.path('visible.md'), 'x');
        await c.next(1);
        await quiet();
        expect(c.events).toEqual([{ type: 'add', root: dir.root, relPath: 'visible.md' }]);
      },
      ['drafts/'],
    );
  });

  it('turns a burst of writes to one file into one event, and reports nothing after close', async () => {
    const dir = tempDir();
    const c = collector();
    await withWatcher([dir.root], c, async (watcher) => {
      writeFileSync(dir.path('burst.md'), 'v0');
      for (let i = 1; i <= 5; i++) {
        await quiet(20);
        appendFileSync(dir.path('burst.md'), ` v${i}`);
      }
      await c.next(1);
      await quiet();
      expect(c.events).toEqual([{ type: 'add', root: dir.root, relPath: 'burst.md' }]);
      await watcher.close();
      writeFileSync(dir.path('after.md'), 'x');
      await quiet();
      expect(c.events).toHaveLength(1);
    });
  });

  it('watches several roots, reports a root that goes away and watches it again when it is back', async () => {
    const a = tempDir();
    const b = tempDir();
    const c = collector();
    const watcher = watchFolders([a.root, b.root], {
      onEvent: (e) => c.onEvent(e),
      debounceMs: DEBOUNCE_MS,
      rootCheckMs: 100,
    });
    try {
      await watcher.ready;
      writeFileSync(b.path('in-b.md'), 'x');
      expect(await c.next(1)).toEqual([{ type: 'add', root: b.root, relPath: 'in-b.md' }]);
      rmSync(a.root, { recursive: true });
      await quiet();
      expect(c.events).toContainEqual({ type: 'unlinkDir', root: a.root, relPath: '' });
      writeFileSync(b.path('still.md'), 'x');
      await c.next(3);
      await quiet();
      expect(c.events).toContainEqual({ type: 'add', root: b.root, relPath: 'still.md' });
      a.mkdir('');
      await c.next(4);
      await quiet();
      expect(c.events.at(-1)).toEqual({ type: 'addDir', root: a.root, relPath: '' });
      writeFileSync(a.path('back.md'), 'x');
      await c.next(5);
      expect(c.events.at(-1)).toEqual({ type: 'add', root: a.root, relPath: 'back.md' });
    } finally {
      await watcher.close();
    }
  });

  it('keeps watching a folder that was deleted and created again at once', async () => {
    const dir = tempDir();
    dir.write('box/old.md', 'x');
    const c = collector();
    const watcher = watchFolders([dir.root], {
      onEvent: (e) => c.onEvent(e),
      debounceMs: DEBOUNCE_MS,
      reconcileMs: 300,
    });
    try {
      await watcher.ready;
      // chokidar keeps its watch on the deleted folder: without a fresh watch,
      // nothing written into the new one is ever reported.
      rmSync(dir.path('box'), { recursive: true });
      mkdirSync(dir.path('box'));
      writeFileSync(dir.path('box/first.md'), 'x');
      await c.next(1);
      const seen = c.events.length;
      writeFileSync(dir.path('box/later.md'), 'x');
      await until(() => covered(c.events.slice(seen), dir.root, 'box/later.md'));
      expect(covered(c.events.slice(seen), dir.root, 'box/later.md')).toBe(true);
      // Once the burst is reconciled, the new folder is watched like any other.
      await until(() => c.events.some((e) => sameEvent(e, rescan(dir.root))));
      await quiet();
      const after = c.events.length;
      writeFileSync(dir.path('box/last.md'), 'x');
      await until(() => c.events.slice(after).some((e) => e.relPath === 'box/last.md'));
      expect(c.events.slice(after)).toContainEqual({ type: 'add', root: dir.root, relPath: 'box/last.md' });
    } finally {
      await watcher.close();
    }
  });

  it('reports every file of new nested folders, and files written into them later', async () => {
    const dir = tempDir();
    const c = collector();
    const watcher = watchFolders([dir.root], {
      onEvent: (e) => c.onEvent(e),
      debounceMs: DEBOUNCE_MS,
      reconcileMs: 300,
    });
    try {
      await watcher.ready;
      const made: string[] = [];
      for (let d = 0; d < 12; d++) {
        const folder = `n${d}/deeper/deepest`;
        mkdirSync(dir.path(folder), { recursive: true });
        // Yield between writes, so some land while chokidar is reading the new folders.
        for (let f = 0; f < 4; f++) {
          await new Promise((resolve) => setImmediate(resolve));
          writeFileSync(dir.path(`${folder}/f${f}.md`), `file ${d}.${f}`);
          made.push(`${folder}/f${f}.md`);
        }
      }
      const reported = () => new Set(c.events.filter((e) => e.type === 'add').map((e) => e.relPath));
      await until(() => made.every((f) => reported().has(f)));
      expect(made.filter((f) => !reported().has(f))).toEqual([]);
      // New folders are a burst: once it settles the root is watched afresh.
      await until(() => c.events.some((e) => sameEvent(e, rescan(dir.root))));
      await quiet();
      const seen = c.events.length;
      writeFileSync(dir.path('n3/deeper/deepest/after.md'), 'x');
      await until(() => c.events.slice(seen).some((e) => e.relPath === 'n3/deeper/deepest/after.md'));
      expect(c.events.slice(seen)).toContainEqual({
        type: 'add',
        root: dir.root,
        relPath: 'n3/deeper/deepest/after.md',
      });
    } finally {
      await watcher.close();
    }
  });
});

const sameEvent = (a: FolderEvent, b: FolderEvent) =>
  a.type === b.type && a.root === b.root && a.relPath === b.relPath;

/** The whole-root scan a watcher asks for after a burst. */
const rescan = (root: string): FolderEvent => ({ type: 'addDir', root, relPath: '' });

/** Whether `events` tell a consumer to read `relPath`: its own event, or a scan of its whole root. */
const covered = (events: FolderEvent[], root: string, relPath: string) =>
  events.some(
    (e) => e.root === root && (sameEvent(e, rescan(root)) || (e.type !== 'unlink' && e.relPath === relPath)),
  );

/** Polls `done` until it holds or a generous bound passes; the caller asserts afterwards. */
async function until(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
