import { statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../engine/errors.js';

/**
 * The library file a command was told to use (`--db FILE`, or `$DOCQA_DB`), as an absolute
 * path. The database layer creates missing folders, which is right for the per-user default
 * (`~/.local/share/DocQA/`) but turns a mistyped `--db ~/Documnets/lib.sqlite` into a new
 * folder tree: a file the user named must be in a folder that exists.
 */
export function chosenLibraryFile(
  db: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const [file, named] = db !== undefined ? [db, '--db'] : env.DOCQA_DB ? [env.DOCQA_DB, 'DOCQA_DB'] : [];
  if (file === undefined) return undefined;
  if (!file.trim()) throw new UserError(`${named} needs a file name`, named);
  const absolute = path.resolve(file);
  const folder = path.dirname(absolute);
  const stat = statSync(folder, { throwIfNoEntry: false });
  if (!stat) throw new UserError(`folder not found: ${folder} (for ${named} ${file}); create it first`, file);
  if (!stat.isDirectory()) throw new UserError(`not a folder: ${folder} (for ${named} ${file})`, file);
  return absolute;
}
