import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

let built: string | null | undefined;

/**
 * Builds out/node, the code users run after `npm ci` (`tsc -p tsconfig.node.json`).
 * Returns null on success, else tsc's first line (then a bench runs the sources through tsx,
 * whose workers compile TypeScript as they start: slower start-up than users see).
 */
export function buildNode(): string | null {
  // Once per bench process: the app and engine suites both need it, and tsc takes seconds.
  if (built !== undefined) return built;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.node.json'], { cwd: root, encoding: 'utf8' });
  built = r.status === 0 ? null : (`${r.stdout}${r.stderr}`.split('\n')[0] ?? 'tsc failed');
  return built;
}
