import { stat } from 'node:fs/promises';
import path from 'node:path';
import { userDataDir } from '../library/defaultDbPath.js';

/**
 * Where installed packs live: `DOCQA_MODELS_DIR`, else the per-user data
 * folder (XDG_DATA_HOME / %APPDATA% / ~/Library/Application Support)/DocQA/models.
 */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCQA_MODELS_DIR) return path.resolve(env.DOCQA_MODELS_DIR);
  return path.join(userDataDir(env), 'DocQA', 'models');
}

/** A pack folder name made from a user-supplied name: letters, digits, `.`, `_`, `-`. */
export function packFolderName(name: string): string {
  const cleaned = name
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|-+$/g, '');
  return cleaned || 'pack';
}

export async function pathExists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
