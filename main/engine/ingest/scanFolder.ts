import { promises as fs, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { IngestWarning, ScannedFile } from './types.js';
import { UserError } from '../errors.js';
import { documentTypeOf, extensionOf } from './fileTypes.js';
import { createIgnoreMatcher, type IgnoreMatcher } from './ignoreRules.js';
import { decodeFileName } from './fileName.js';
import { isSystemStateFolder, systemStateFolderMessage } from './systemStateFolders.js';

export interface ScanOptions {
  /** The library's own gitignore-style patterns, on top of the defaults (see ignoreRules.ts). */
  ignore?: readonly string[];
  signal?: AbortSignal;
  /** Things skipped for a reason a person may want to know: unreadable folders, broken links, link loops. */
  onWarning?: (warning: IngestWarning) => void;
  /** Deeper folders are skipped with a warning (default 64). */
  maxDepth?: number;
}

interface Walk {
  rootReal: string;
  matcher: IgnoreMatcher;
  options: ScanOptions;
  /** Real paths of folders entered through symbolic links (loop and duplicate guard). */
  linkedFolders: Set<string>;
  maxDepth: number;
}

/**
 * Every readable-type file under `root`, depth first, entries in code-point
 * order of their names (the same order on every run and platform).
 *
 * Symbolic links: a link whose target lies inside the folder is skipped, because
 * the target itself is scanned under its own path (no duplicates, no loops). A link
 * to a file or folder outside is followed, and each outside folder is entered at
 * most once, so loops end with a warning. Sockets, FIFOs and devices are never
 * yielded (reading a FIFO would block).
 */
export async function* scanFolder(root: string, options: ScanOptions = {}): AsyncGenerator<ScannedFile> {
  const rootAbs = path.resolve(root);
  let rootReal: string;
  try {
    const st = await fs.stat(rootAbs);
    if (!st.isDirectory()) throw new UserError(`not a folder: ${root}`, root);
    rootReal = await fs.realpath(rootAbs);
    if (isSystemStateFolder(rootReal)) throw new UserError(systemStateFolderMessage(root), root);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new UserError(`folder not found: ${root}`, root, { cause: e });
    if (code === 'EACCES' || code === 'EPERM')
      throw new UserError(`cannot read folder (permission denied): ${root}`, root, { cause: e });
    throw new UserError(`cannot read folder ${root}: ${code ?? String(e)}`, root, { cause: e });
  }
  const walk: Walk = {
    rootReal,
    matcher: createIgnoreMatcher(options.ignore),
    options,
    linkedFolders: new Set(),
    maxDepth: options.maxDepth ?? 64,
  };
  yield* walkFolder(walk, rootAbs, '', 0);
}

async function* walkFolder(
  walk: Walk,
  dirAbs: string,
  relDir: string,
  depth: number,
): AsyncGenerator<ScannedFile> {
  const { options, matcher } = walk;
  options.signal?.throwIfAborted();
  let listed: Dirent<Buffer>[];
  try {
    // As bytes: a name that is not UTF-8 would otherwise arrive with U+FFFD in it and never open.
    listed = await fs.readdir(dirAbs, { withFileTypes: true, encoding: 'buffer' });
  } catch (e) {
    warn(walk, relDir, `cannot read folder: ${describeCode(e)}`);
    return;
  }
  const entries = listed.map((entry) => ({ entry, ...decodeFileName(entry.name) }));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { entry, name, valid } of entries) {
    options.signal?.throwIfAborted();
    const relPath = relDir === '' ? name : `${relDir}/${name}`;
    if (!valid) {
      reportUndecodableName(walk, entry, relPath);
      continue;
    }
    const absPath = path.join(dirAbs, name);
    if (entry.isSymbolicLink()) {
      yield* followLink(walk, absPath, relPath, depth);
    } else if (entry.isDirectory()) {
      if (matcher.ignores(relPath, true) || isSystemStateFolder(absPath)) continue;
      if (depth + 1 > walk.maxDepth)
        warn(walk, relPath, `folder nested too deep (more than ${walk.maxDepth} levels); skipped`);
      else yield* walkFolder(walk, absPath, relPath, depth + 1);
    } else if (entry.isFile()) {
      if (matcher.ignores(relPath, false)) continue;
      const file = await scannedFile(absPath, relPath);
      if (file) yield file;
    }
  }
}

/**
 * A file or folder whose name is not UTF-8 (e.g. GBK bytes from a Windows
 * archive) is not indexed, but reported: a file of a type we read, a folder
 * (its files are not reached), a link that looks like one of those. Ignored
 * names and other types stay silent, as they would with a readable name.
 */
function reportUndecodableName(walk: Walk, entry: Dirent<Buffer>, relPath: string): void {
  const folder = entry.isDirectory();
  if (walk.matcher.ignores(relPath, folder)) return;
  if (folder) {
    warn(walk, relPath, 'folder name is not valid UTF-8 (its files are not indexed); rename it');
  } else if ((entry.isFile() || entry.isSymbolicLink()) && documentTypeOf(relPath)) {
    warn(walk, relPath, 'file name is not valid UTF-8; rename it');
  }
}

async function* followLink(
  walk: Walk,
  absPath: string,
  relPath: string,
  depth: number,
): AsyncGenerator<ScannedFile> {
  let st: Stats;
  let real: string;
  try {
    st = await fs.stat(absPath);
    real = await fs.realpath(absPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (walk.matcher.ignores(relPath, false)) return;
    warn(
      walk,
      relPath,
      code === 'ELOOP'
        ? 'symbolic link loop; skipped'
        : code === 'ENOENT'
          ? 'broken symbolic link; skipped'
          : `cannot follow symbolic link: ${describeCode(e)}`,
    );
    return;
  }
  if (walk.matcher.ignores(relPath, st.isDirectory())) return;
  if (isInside(walk.rootReal, real)) {
    if (st.isDirectory() && isInside(real, path.dirname(path.resolve(walk.rootReal, relPath)))) {
      warn(walk, relPath, 'symbolic link loop (points to a folder that contains it); skipped');
    }
    return; // the target is scanned under its own path
  }
  if (st.isDirectory()) {
    if (isSystemStateFolder(real)) return;
    if (walk.linkedFolders.has(real) || isInside(real, walk.rootReal)) {
      warn(walk, relPath, 'symbolic link loop (folder already scanned); skipped');
      return;
    }
    if (depth + 1 > walk.maxDepth) {
      warn(walk, relPath, `folder nested too deep (more than ${walk.maxDepth} levels); skipped`);
      return;
    }
    walk.linkedFolders.add(real);
    yield* walkFolder(walk, absPath, relPath, depth + 1);
  } else if (st.isFile()) {
    const file = toScanned(absPath, relPath, st);
    if (file) yield file;
  }
}

async function scannedFile(absPath: string, relPath: string): Promise<ScannedFile | null> {
  if (!documentTypeOf(relPath)) return null;
  try {
    return toScanned(absPath, relPath, await fs.stat(absPath));
  } catch {
    return null; // gone between listing and stat: nothing to index
  }
}

function toScanned(absPath: string, relPath: string, st: Stats): ScannedFile | null {
  const type = documentTypeOf(relPath);
  if (!type) return null;
  return { absPath, relPath, size: st.size, mtimeMs: st.mtimeMs, ext: extensionOf(relPath), type };
}

/** True when `child` is `parent` or lies below it. */
function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function warn(walk: Walk, relPath: string, message: string): void {
  walk.options.onWarning?.({ relPath, message });
}

function describeCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'it disappeared';
  return code ?? (e instanceof Error ? e.message : String(e));
}
