import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../errors.js';

/** The built-in pack's folder name under `<resources>/models/` (made by scripts/train-builtin.ts). */
export const BUILTIN_PACK_NAME = 'docqa-zh-en-hashed';

let resourcesOverride: string | null = null;

/**
 * The packaged desktop app calls this with `process.resourcesPath` (where
 * electron-builder's extraResources put `models/`); null restores the default.
 */
export function setResourcesDirectory(dir: string | null): void {
  resourcesOverride = dir;
}

function isRepoRoot(dir: string): boolean {
  const pkg = path.join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'docqa';
  } catch {
    return false;
  }
}

/** `resources/` of the repository this module runs from (TS sources or the out/node build). */
export function resourcesDirectory(): string {
  if (resourcesOverride) return resourcesOverride;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isRepoRoot(dir)) return path.join(dir, 'resources');
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find the docqa package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function builtinPackDir(): string {
  return path.join(resourcesDirectory(), 'models', BUILTIN_PACK_NAME);
}

const reportedFiles = new Set<string>();

/**
 * One of the built-in pack's shared files (lexicon, word list, word vectors), parsed. Absent:
 * null, quietly (a trimmed pack may leave it out and what reads it is off). Present but
 * unreadable or damaged: null too, so questions are still answered, but said once, because
 * a broken install otherwise ranks worse with nothing to show why.
 */
export function loadBuiltinFile<T>(name: string, parse: (bytes: Buffer) => T, useFor: string): T | null {
  const file = path.join(builtinPackDir(), name);
  try {
    return parse(readFileSync(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (!reportedFiles.has(file)) {
      reportedFiles.add(file);
      console.warn(
        `[docqa] ${file} cannot be used (${describeError(e)}): ${useFor} is off; \`docqa models verify\` checks the install, reinstalling DocQA restores it`,
      );
    }
    return null;
  }
}

/** loadBuiltinFile on first call, its result (null too) kept for every later one. */
export function builtinFileOnce<T>(
  name: string,
  parse: (bytes: Buffer) => T,
  useFor: string,
): () => T | null {
  let loaded: { value: T | null } | null = null;
  return () => (loaded ??= { value: loadBuiltinFile(name, parse, useFor) }).value;
}
