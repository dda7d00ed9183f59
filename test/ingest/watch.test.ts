import { describe, expect, it } from 'vitest';
import { appendFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
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
});
