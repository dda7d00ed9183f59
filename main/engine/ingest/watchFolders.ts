import path from 'node:path';
import { existsSync, type Stats } from 'node:fs';
import { watch } from 'chokidar';
import { isSupportedFile } from './fileTypes.js';
import { createIgnoreMatcher } from './ignoreRules.js';

/**
 * 'unlinkDir': a whole folder went away (moved out or deleted); every document
 * under `relPath` (or, for '', under the root) is gone. Files inside may not get
 * their own 'unlink' events.
 * 'addDir' (relPath ''): a root that had gone came back (a drive plugged in
 * again); it is watched again, and should be scanned, since its files get no
 * 'add' events of their own.
 */
export type FolderEventType = 'add' | 'change' | 'unlink' | 'unlinkDir' | 'addDir';

export interface FolderEvent {
  type: FolderEventType;
  /** The watched root, exactly as passed in. */
  root: string;
  /** Relative to the root, '/' separators; '' for the root itself. */
  relPath: string;
}

export interface WatchOptions {
  /** The library's own gitignore-style patterns, on top of the defaults (same rules as scanFolder). */
  ignore?: readonly string[];
  onEvent: (event: FolderEvent) => void;
  onError?: (error: Error) => void;
  /** Quiet time per file before its event is delivered; bursts (a save, a copy in progress) become one event. Default 500 ms. */
  debounceMs?: number;
  /** How often roots are checked for disappearing or coming back (default 2000 ms). */
  rootCheckMs?: number;
}

export interface FolderWatcher {
  /** Resolves once the initial crawl is done and changes from then on are reported. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Watches library folders with chokidar and reports changes to readable files
 * (the scanner's ignore rules and types), debounced per file. Symbolic links are
 * not followed (their targets are not watched), so link loops cannot hurt.
 */
export function watchFolders(roots: readonly string[], options: WatchOptions): FolderWatcher {
  const debounceMs = options.debounceMs ?? 500;
  const matcher = createIgnoreMatcher(options.ignore);
  const resolved = roots
    .map((root) => ({ root, abs: path.resolve(root) }))
    .sort((a, b) => b.abs.length - a.abs.length);

  const locate = (p: string): { root: string; relPath: string } | null => {
    const abs = path.resolve(p);
    for (const r of resolved) {
      if (abs === r.abs) return { root: r.root, relPath: '' };
      if (abs.startsWith(r.abs + path.sep))
        return {
          root: r.root,
          relPath: abs
            .slice(r.abs.length + 1)
            .split(path.sep)
            .join('/'),
        };
    }
    return null;
  };

  const ignored = (p: string, stats?: Stats): boolean => {
    const where = locate(p);
    if (!where || where.relPath === '') return false;
    if (stats?.isDirectory()) return matcher.ignores(where.relPath, true);
    if (stats?.isFile()) return matcher.ignores(where.relPath, false) || !isSupportedFile(where.relPath);
    // Not yet known whether it is a file or a folder: only the rules that hold for both.
    return matcher.ignores(where.relPath, false) && matcher.ignores(where.relPath, true);
  };

  const watcher = watch(
    resolved.map((r) => r.abs),
    {
      ignored,
      ignoreInitial: true,
      followSymlinks: false,
      ignorePermissionErrors: true,
      persistent: true,
    },
  );

  const pending = new Map<string, { event: FolderEvent; timer: NodeJS.Timeout }>();
  let closed = false;
  const deliver = (key: string) => {
    const entry = pending.get(key);
    pending.delete(key);
    if (entry && !closed) options.onEvent(entry.event);
  };
  const queue = (type: FolderEventType, p: string) => {
    const where = locate(p);
    if (!where) return;
    if (
      (type === 'add' || type === 'change' || type === 'unlink') &&
      (!isSupportedFile(where.relPath) || matcher.ignores(where.relPath, false))
    )
      return;
    const key = `${where.root}\0${where.relPath}`;
    const previous = pending.get(key);
    if (previous) clearTimeout(previous.timer);
    const merged = previous ? mergeEvents(previous.event.type, type) : type;
    pending.set(key, { event: { type: merged, ...where }, timer: setTimeout(deliver, debounceMs, key) });
  };

  watcher.on('add', (p) => queue('add', p));
  watcher.on('change', (p) => queue('change', p));
  watcher.on('unlink', (p) => queue('unlink', p));
  watcher.on('unlinkDir', (p) => queue('unlinkDir', p));
  watcher.on('error', (e) => options.onError?.(e instanceof Error ? e : new Error(String(e))));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  // chokidar reports a deleted root only when it still held files, and never
  // watches it again once it is back: check the roots themselves.
  const present = new Map(resolved.map((r) => [r.abs, existsSync(r.abs)]));
  const rootCheck = setInterval(() => {
    for (const r of resolved) {
      const now = existsSync(r.abs);
      if (now === present.get(r.abs)) continue;
      present.set(r.abs, now);
      // Forget the old watch so that adding the path again starts a fresh one.
      if (now) watcher.add(r.abs);
      else watcher.unwatch(r.abs);
      queue(now ? 'addDir' : 'unlinkDir', r.abs);
    }
  }, options.rootCheckMs ?? 2000);
  rootCheck.unref();

  return {
    ready,
    async close() {
      closed = true;
      clearInterval(rootCheck);
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
      await watcher.close();
    },
  };
}

/** One event for a burst on the same path: what a reader of the final state needs to do. */
function mergeEvents(earlier: FolderEventType, later: FolderEventType): FolderEventType {
  if ((earlier === 'add' || earlier === 'addDir') && later === 'change') return earlier;
  if (earlier === 'unlink' && (later === 'add' || later === 'change')) return 'change';
  return later;
}
