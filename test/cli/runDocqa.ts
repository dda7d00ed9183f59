import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real `docqa` command, run from the TypeScript sources (tests never need a build). */
export const DOCQA_BIN = fileURLToPath(new URL('../../bin/docqa.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment that keeps the command's per-user files (library, packs) inside `home`. */
export function cliEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOCQA_FROM_SOURCE: '1',
    HOME: home,
    XDG_DATA_HOME: path.join(home, 'data'),
    DOCQA_DB: '',
  };
}

export function runDocqa(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: Pick<SpawnSyncOptions, 'stdio'> = {},
): CliRun {
  const r = spawnSync(process.execPath, [DOCQA_BIN, ...args], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
    ...options,
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The stderr lines that are not the ONNX provider notice. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() && !l.includes('execution provider'));
}
