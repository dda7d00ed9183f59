import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../engine/errors.js';
import type { FolderInfo } from '../engine/library/types.js';

/**
 * The gate in front of every "open file" / "show in folder": the request names
 * an absolute path, and it is honoured only when the real file (symlinks
 * resolved, `..` collapsed) lies inside the real path of one of the library's
 * folders. Returns that real path.
 */
export async function resolveLibraryFile(requested: string, folders: FolderInfo[]): Promise<string> {
  if (!path.isAbsolute(requested)) throw new UserError(`not an absolute path: ${requested}`, requested);
  let real: string;
  try {
    real = await realpath(requested);
  } catch {
    throw new UserError(`file not found: ${requested}`, requested);
  }
  for (const folder of folders) {
    const root = await realpath(folder.path).catch(() => null);
    if (root && isInside(root, real)) {
      const info = await stat(real);
      if (!info.isFile()) throw new UserError(`not a file: ${requested}`, requested);
      return real;
    }
  }
  throw new UserError(`not inside the library's folders: ${requested}`, requested);
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
