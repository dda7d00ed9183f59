import os from 'node:os';
import path from 'node:path';

/**
 * The per-user library file: `DOCQA_DB` when set, else `<data dir>/DocQA/library.sqlite`
 * with the platform's data dir (XDG_DATA_HOME or ~/.local/share on Linux,
 * %APPDATA% on Windows, ~/Library/Application Support on macOS).
 */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCQA_DB) return path.resolve(env.DOCQA_DB);
  return path.join(userDataDir(env), 'DocQA', 'library.sqlite');
}

export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  if (process.platform === 'win32') return env.APPDATA || path.join(home, 'AppData', 'Roaming');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support');
  return env.XDG_DATA_HOME || path.join(home, '.local', 'share');
}
