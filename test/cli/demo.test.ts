import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../library/helpers.js';
import { cliEnv, runDocqa } from './runDocqa.js';

const SAMPLES = fileURLToPath(new URL('../../resources/sample-docs', import.meta.url));

interface DemoAnswer {
  expected: string;
  notFound: boolean;
  results: { path: string; alsoIn?: { path: string }[] }[];
}

describe('docqa demo (the README\'s "run it on the built-in default")', () => {
  const tmp = tempDir('docqa-demo-');
  const env = cliEnv(tmp.dir);
  const demoDb = path.join(tmp.dir, 'data', 'DocQA', 'demo.sqlite');
  afterAll(() => tmp.cleanup());

  const folders = (db: string): string[] => {
    const r = runDocqa(['status', '--db', db, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { folders: { path: string }[] }).folders.map((f) => f.path);
  };

  const demo = (...flags: string[]): { dbPath: string; answers: DemoAnswer[] } => {
    const r = runDocqa(['demo', '--json', ...flags], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { dbPath: string; answers: DemoAnswer[] };
  };

  it('answers every sample question from its expected file, in its own library', () => {
    const out = demo();
    expect(out.dbPath).toBe(demoDb);
    expect(out.answers.length).toBeGreaterThanOrEqual(4);
    for (const a of out.answers) {
      expect(a.notFound).toBe(false);
      expect(a.results[0]?.path).toBe(a.expected);
    }
  });

  it("drops another installation's samples from its own library, and leaves a --db library's folders", () => {
    // Another clone's sample folder, indexed into the demo's file, then deleted from disk.
    const other = path.join(tmp.dir, 'old-clone', 'sample-docs');
    cpSync(SAMPLES, other, { recursive: true });
    expect(runDocqa(['ingest', other, '--db', demoDb], env).code).toBe(0);
    rmSync(path.join(tmp.dir, 'old-clone'), { recursive: true });
    for (const a of demo().answers) expect(a.results[0]?.alsoIn ?? []).toEqual([]);
    expect(folders(demoDb)).toEqual([SAMPLES]);

    // A library the user names keeps what it holds.
    const mine = path.join(tmp.dir, 'mine.sqlite');
    const notes = path.join(tmp.dir, 'notes');
    cpSync(path.join(SAMPLES, 'banana-bread.md'), path.join(notes, 'banana-bread.md'));
    expect(runDocqa(['ingest', notes, '--db', mine], env).code).toBe(0);
    demo('--db', mine);
    expect(folders(mine)).toEqual([notes, SAMPLES]);
  });
});
