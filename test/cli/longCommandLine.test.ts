import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTestPack } from '../library/helpers.js';

/**
 * A command line of ~12 KB or more used to kill `docqa` with SIGSEGV (exit
 * 139): onnxruntime's telemetry client matched /proc/self/cmdline with a
 * recursive regex in the worker creating the first session (see
 * main/engine/workers/ortTelemetry.ts). ORT skips that client when `CI` is set,
 * so the child runs without `CI` in its environment, whatever the test runner
 * has: with it, this test would pass even with the bug.
 */
const BIN = fileURLToPath(new URL('../../bin/docqa.js', import.meta.url));
const tmp = tempDir('docqa-longcmd-');
const { CI: _ci, ORT_DISABLE_TELEMETRY: _ort, ...inherited } = process.env;
const env = {
  ...inherited,
  DOCQA_FROM_SOURCE: '1',
  HOME: tmp.dir,
  XDG_DATA_HOME: path.join(tmp.dir, 'data'),
  DOCQA_DB: '',
};
let pack: string;
let db: string;

function docqa(args: string[]): {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
} {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  pack = await writeTestPack(path.join(tmp.dir, 'pack'));
  db = path.join(tmp.dir, 'lib.sqlite');
});
afterAll(() => tmp.cleanup());

describe('docqa with a command line over 20 KB (CI removed from the environment)', () => {
  it('ingests 200 folders named on the command line', () => {
    expect(env).not.toHaveProperty('CI');
    const folders = Array.from({ length: 200 }, (_, i) => {
      const rel = path.join('docs', `folder-${String(i).padStart(3, '0')}-${'x'.repeat(100)}`);
      tmp.file(path.join(rel, 'note.txt'), `Note ${i}: green tea is brewed at eighty degrees.\n`);
      return path.join(tmp.dir, rel);
    });
    tmp.file(
      path.join(path.relative(tmp.dir, folders[0]!), 'tides.md'),
      '# Tides\n\nTides are caused by the gravitational pull of the moon on the oceans.\n',
    );
    const args = ['ingest', ...folders, '--db', db, '--model', pack, '--json'];
    expect(args.join(' ').length).toBeGreaterThan(20_000);
    const ingest = docqa(args);
    expect({ code: ingest.code, signal: ingest.signal }, ingest.stderr).toEqual({ code: 0, signal: null });
    expect(JSON.parse(ingest.stdout)).toMatchObject({ filesAdded: 201, filesFailed: 0 });
  });

  it('answers a 3,000-word question', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `filler${i}`).join(' ');
    const question = `what causes tides on the oceans moon gravitational pull ${words}`;
    expect(question.length).toBeGreaterThan(20_000);
    const ask = docqa(['ask', '--db', db, '--model', pack, '--json', '--', question]);
    expect({ code: ask.code, signal: ask.signal }, ask.stderr).toEqual({ code: 0, signal: null });
    const answer = JSON.parse(ask.stdout);
    expect(answer.question).toBe(question);
    expect(answer.results.length).toBeGreaterThan(0);
    expect(answer.results.some((r: { path: string }) => r.path.endsWith('tides.md'))).toBe(true);
  });
});
