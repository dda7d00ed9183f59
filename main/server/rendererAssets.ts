import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../engine/errors.js';

/** The repository/package root: the nearest folder above this module with DocQA's package.json. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'docqa') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the DocQA package root');
    dir = parent;
  }
}

export function packageVersion(root = packageRoot()): string {
  return String(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version);
}

/** Where electron-vite and `npm run build:web` put the renderer. */
export function rendererOutDir(root = packageRoot()): string {
  return path.join(root, 'out', 'renderer');
}

/**
 * The built renderer, building it first when it is missing or older than its
 * sources (a source checkout; an install from `npm ci` has it built by `prepare`).
 */
export async function ensureRendererBuilt(
  log: (line: string) => void,
  root = packageRoot(),
): Promise<string> {
  const out = rendererOutDir(root);
  const index = path.join(out, 'index.html');
  const sources = [path.join(root, 'renderer'), path.join(root, 'main', 'api')].filter((d) => existsSync(d));
  const built = existsSync(index) ? statSync(index).mtimeMs : -1;
  if (built >= 0 && (sources.length === 0 || newestMtime(sources) <= built)) return out;
  if (!existsSync(path.join(root, 'renderer', 'vite.config.ts'))) {
    throw new UserError(`the web interface is not built and its sources are missing: ${index}`);
  }
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new UserError(
      'the web interface is not built: run `npm run build:web` (needs the dev dependencies)',
    );
  }
  log(
    built < 0 ? 'Building the web interface (first run)…' : 'Rebuilding the web interface (sources changed)…',
  );
  // Vite follows an inherited NODE_ENV (e.g. `test` under vitest), which would select React's development build.
  const inherited = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({
      configFile: path.join(root, 'renderer', 'vite.config.ts'),
      logLevel: 'warn',
      mode: 'production',
    });
  } finally {
    if (inherited === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = inherited;
  }
  return out;
}

function newestMtime(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  dirs.forEach(walk);
  return newest;
}
