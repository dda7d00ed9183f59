import path from 'node:path';
import { existsSync, promises as fs, statSync, type Stats } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import { isSupportedFile } from './fileTypes.js';
import { createIgnoreMatcher, type IgnoreMatcher } from './ignoreRules.js';
import { isSystemStateFolder } from './systemStateFolders.js';

/**
 * 'unlinkDir': a whole folder went away (moved out or deleted); every document
 * under `relPath` (or, for '', under the root) is gone. Files inside may not get
 * their own 'unlink' events.
 * 'addDir' (relPath ''): scan the whole root. Sent when a root that had gone
 * came back (a drive plugged in again), and after a burst of changes settles
 * (see `reconcileMs`): the root is then watched afresh and a scan finds
 * whatever the watcher could not see.
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
  /**
   * Quiet time on a root after a burst (at least `burstEvents` changes, or any
   * folder created, removed or replaced) before the root is watched afresh and
   * a whole-root scan is asked for. Default 1500 ms; a root that never goes
   * quiet is reconciled at the latest after 30 × this.
   */
  reconcileMs?: number;
  /** Changes on one root, without a reconcile in between, that make a burst (default 20). */
  burstEvents?: number;
}

export interface FolderWatcher {
  /** Resolves once the initial crawl is done and changes from then on are reported. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** What one watched root holds while it is watched. */
interface RootWatch {
  root: string;
  abs: string;
  present: boolean;
  watcher: FSWatcher | null;
  /** Changes seen since the last reconcile, and whether one of them changed the folder structure. */
  changes: number;
  structural: boolean;
  reconcileTimer: NodeJS.Timeout | null;
  /** When the first change of the current burst was seen (bounds how long a reconcile may wait). */
  burstStart: number;
  /** Reconciles run one at a time per root. */
  reconciling: Promise<void>;
}

/**
 * Watches library folders with chokidar and reports changes to readable files
 * (the scanner's ignore rules and types), debounced per file. Symbolic links are
 * not followed (their targets are not watched), so link loops cannot hurt.
 *
 * chokidar alone loses files in bursts: it reads a new folder before it starts
 * watching it (files created in between are never reported), and a folder
 * deleted and created again at once keeps a watch on the deleted one (nothing
 * inside is reported again). So a new folder is read once more when its burst
 * is over, and after a burst the root gets a fresh watcher and a whole-root
 * scan ('addDir' with relPath ''), which the library runs incrementally.
 */
export function watchFolders(roots: readonly string[], options: WatchOptions): FolderWatcher {
  const debounceMs = options.debounceMs ?? 500;
  const reconcileMs = options.reconcileMs ?? 1500;
  const burstEvents = options.burstEvents ?? 20;
  const matcher = createIgnoreMatcher(options.ignore);
  const watches: RootWatch[] = roots
    .map((root) => ({
      root,
      abs: path.resolve(root),
      present: existsSync(root),
      watcher: null,
      changes: 0,
      structural: false,
      reconcileTimer: null,
      burstStart: 0,
      reconciling: Promise.resolve(),
    }))
    // Longest first: a root nested in another owns its own files.
    .sort((a, b) => b.abs.length - a.abs.length);
  let closed = false;

  const locate = (p: string): { watch: RootWatch; relPath: string } | null => {
    const abs = path.resolve(p);
    for (const w of watches) {
      if (abs === w.abs) return { watch: w, relPath: '' };
      if (abs.startsWith(w.abs + path.sep))
        return {
          watch: w,
          relPath: abs
            .slice(w.abs.length + 1)
            .split(path.sep)
            .join('/'),
        };
    }
    return null;
  };

  const pending = new Map<string, { event: FolderEvent; timer: NodeJS.Timeout }>();
  const deliver = (key: string) => {
    const entry = pending.get(key);
    pending.delete(key);
    if (entry && !closed) options.onEvent(entry.event);
  };
  const queue = (type: FolderEventType, w: RootWatch, relPath: string) => {
    if (closed) return;
    if ((type === 'add' || type === 'change' || type === 'unlink') && !isReadableFile(matcher, relPath))
      return;
    const key = `${w.root}\0${relPath}`;
    const previous = pending.get(key);
    if (previous) clearTimeout(previous.timer);
    const merged = previous ? mergeEvents(previous.event.type, type) : type;
    pending.set(key, {
      event: { type: merged, root: w.root, relPath },
      timer: setTimeout(deliver, debounceMs, key),
    });
  };

  /** Counts a change toward a burst and (re)arms the root's reconcile when the burst calls for one. */
  const noteChange = (w: RootWatch, structural: boolean) => {
    if (closed) return;
    if (w.changes === 0 && !w.structural) w.burstStart = Date.now();
    w.changes++;
    w.structural ||= structural;
    if (!w.structural && w.changes < burstEvents) return;
    if (w.reconcileTimer) clearTimeout(w.reconcileTimer);
    const waited = Date.now() - w.burstStart;
    const delay = waited >= reconcileMs * 30 ? 0 : reconcileMs;
    w.reconcileTimer = setTimeout(() => void reconcile(w), delay);
  };

  // A new folder is read again once it has been quiet for the debounce time:
  // by then chokidar watches it, and the read finds the files it missed.
  const newFolders = new Map<string, NodeJS.Timeout>();
  const rereadLater = (w: RootWatch, relDir: string) => {
    const key = `${w.root}\0${relDir}`;
    clearTimeout(newFolders.get(key));
    newFolders.set(
      key,
      setTimeout(() => {
        newFolders.delete(key);
        if (closed) return;
        void readFolder(w.abs, relDir, matcher).then(
          (files) => {
            for (const relPath of files) queue('add', w, relPath);
          },
          (e: unknown) => options.onError?.(asError(e)),
        );
      }, debounceMs),
    );
  };

  /** What the watcher of root `w` skips; a root nested in it is left to its own watcher. */
  const ignoredBy =
    (w: RootWatch) =>
    (p: string, stats?: Stats): boolean => {
      if (isSystemStateFolder(p)) return true;
      const where = locate(p);
      if (!where) return false;
      if (where.watch !== w) return true;
      if (where.relPath === '') return false;
      if (stats?.isDirectory()) return matcher.ignores(where.relPath, true);
      if (stats?.isFile()) return !isReadableFile(matcher, where.relPath);
      // Not yet known whether it is a file or a folder: only the rules that hold for both.
      return matcher.ignores(where.relPath, false) && matcher.ignores(where.relPath, true);
    };

  /** A chokidar watcher on one root; resolves once its initial crawl is done. */
  const startWatcher = (w: RootWatch): Promise<void> => {
    const watcher = watch(w.abs, {
      ignored: ignoredBy(w),
      ignoreInitial: true,
      followSymlinks: false,
      ignorePermissionErrors: true,
      persistent: true,
    });
    w.watcher = watcher;
    const onFile = (type: 'add' | 'change' | 'unlink') => (p: string) => {
      const where = locate(p);
      if (where?.watch !== w) return;
      queue(type, w, where.relPath);
      noteChange(w, false);
    };
    watcher.on('add', onFile('add'));
    watcher.on('change', onFile('change'));
    watcher.on('unlink', onFile('unlink'));
    watcher.on('addDir', (p) => {
      const where = locate(p);
      if (where?.watch !== w || where.relPath === '') return;
      rereadLater(w, where.relPath);
      noteChange(w, true);
    });
    watcher.on('unlinkDir', (p) => {
      const where = locate(p);
      if (where?.watch !== w) return;
      queue('unlinkDir', w, where.relPath);
      noteChange(w, true);
    });
    // A watched folder that was itself deleted or renamed: if a folder of that
    // name is back already, chokidar keeps the dead watch and reports nothing
    // inside it again. Only a fresh watcher helps.
    watcher.on('raw', (event, file, details) => {
      const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
      if (typeof watched !== 'string') return;
      if (event !== 'rename' || file !== path.basename(watched)) return;
      if (locate(watched)?.watch !== w) return;
      // Files have watches of their own too: a deleted file is no burst.
      const kind = pathKind(watched);
      if (kind === 'folder' || (kind === 'none' && watched in watcher.getWatched())) noteChange(w, true);
    });
    watcher.on('error', (e) => options.onError?.(asError(e)));
    return new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  };

  const stopWatcher = async (w: RootWatch): Promise<void> => {
    const watcher = w.watcher;
    w.watcher = null;
    await watcher?.close();
  };

  /**
   * Watches the root afresh, then asks for a whole-root scan: what changed
   * before the new watcher was ready is found by the scan, what changes after
   * is reported by the new watcher.
   */
  const reconcile = (w: RootWatch): Promise<void> => {
    if (w.reconcileTimer) clearTimeout(w.reconcileTimer);
    w.reconcileTimer = null;
    w.changes = 0;
    w.structural = false;
    w.reconciling = w.reconciling.then(async () => {
      if (closed) return;
      // chokidar shares fs.watch handles by path: the old watcher must be closed
      // before a new one can open fresh ones.
      await stopWatcher(w);
      if (closed || !existsSync(w.abs)) return;
      await startWatcher(w);
      if (!closed) queue('addDir', w, '');
    });
    return w.reconciling.catch((e: unknown) => options.onError?.(asError(e)));
  };

  const ready = Promise.all(watches.map((w) => (w.present ? startWatcher(w) : undefined))).then(
    () => undefined,
  );

  // chokidar reports a deleted root only when it still held files, and never
  // watches it again once it is back: check the roots themselves.
  const rootCheck = setInterval(() => {
    for (const w of watches) {
      const now = existsSync(w.abs);
      if (now === w.present) continue;
      w.present = now;
      if (now) {
        void reconcile(w); // watches it again and asks for its scan
      } else {
        void stopWatcher(w);
        queue('unlinkDir', w, '');
      }
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
      for (const timer of newFolders.values()) clearTimeout(timer);
      newFolders.clear();
      for (const w of watches) if (w.reconcileTimer) clearTimeout(w.reconcileTimer);
      await Promise.all(watches.map((w) => w.reconciling.catch(() => undefined)));
      await Promise.all(watches.map((w) => stopWatcher(w)));
    },
  };
}

function isReadableFile(matcher: IgnoreMatcher, relPath: string): boolean {
  return isSupportedFile(relPath) && !matcher.ignores(relPath, false);
}

function pathKind(absPath: string): 'file' | 'folder' | 'other' | 'none' {
  try {
    const st = statSync(absPath);
    return st.isFile() ? 'file' : st.isDirectory() ? 'folder' : 'other';
  } catch {
    return 'none';
  }
}

/**
 * The readable files under `relDir` (relative to `rootAbs`), by the scanner's
 * ignore rules; symbolic links are not followed, as the watcher does not follow them.
 */
async function readFolder(rootAbs: string, relDir: string, matcher: IgnoreMatcher): Promise<string[]> {
  const files: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await fs
      .readdir(path.join(rootAbs, ...rel.split('/')), { withFileTypes: true })
      .catch(() => []); // gone again, or unreadable: nothing to report
    for (const entry of entries) {
      const relPath = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        const abs = path.join(rootAbs, ...relPath.split('/'));
        if (!matcher.ignores(relPath, true) && !isSystemStateFolder(abs)) await visit(relPath);
      } else if (entry.isFile() && isReadableFile(matcher, relPath)) files.push(relPath);
    }
  };
  await visit(relDir);
  return files;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** One event for a burst on the same path: what a reader of the final state needs to do. */
function mergeEvents(earlier: FolderEventType, later: FolderEventType): FolderEventType {
  if ((earlier === 'add' || earlier === 'addDir') && later === 'change') return earlier;
  if (earlier === 'unlink' && (later === 'add' || later === 'change')) return 'change';
  return later;
}
