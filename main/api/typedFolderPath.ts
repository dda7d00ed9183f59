import os from 'node:os';
import path from 'node:path';
import { UserError } from '../engine/errors.js';

/**
 * A folder path as a person types or pastes it into the page (web mode has no
 * folder dialog): surrounding blanks and one pair of quotes go (Windows'
 * "Copy as path" adds them), a leading `~` is the home folder, as in a shell.
 * A relative path is refused: it would be resolved against the server's
 * working folder, which the person cannot see.
 */
export function typedFolderPath(typed: string): string {
  let p = typed.trim();
  if (p.length >= 2 && (p[0] === '"' || p[0] === "'") && p.at(-1) === p[0]) p = p.slice(1, -1).trim();
  if (p === '~') p = os.homedir();
  else if (p.startsWith('~/') || (process.platform === 'win32' && p.startsWith('~\\')))
    p = path.join(os.homedir(), p.slice(2));
  if (!p) throw new UserError('no folder given', 'path');
  if (!path.isAbsolute(p)) throw new UserError(`not an absolute path: ${p}`, p);
  return p;
}
