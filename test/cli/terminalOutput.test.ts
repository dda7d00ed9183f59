import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/engine/store/database.js';
import { tempDir, writeTestPack } from '../library/helpers.js';
import { cliEnv, type CliRun, DOCQA_BIN, errorLines, runDocqa } from './runDocqa.js';

// What files contain must not drive the terminal, and a reader that
// goes away (`docqa ingest DIR | true`) must not produce a stack trace.

const tmp = tempDir('docqa-cli-terminal-');
const env = cliEnv(tmp.dir);
let pack: string;
let db: string;
let docs: string;

const ESC = '\x1b';
const BEL = '\x07';
const CSI_C1 = '\u009b';
const hostileName = `${ESC}]0;pwned${BEL}notes.txt`;
const hostileFolder = `shelf${ESC}[31m`;
const brokenPdf = `${ESC}[2Jreport.pdf`;
const passage = `Green tea wants water at eighty degrees.${ESC}[2J${ESC}]0;pwned${ESC}\\ The kettle ${CSI_C1}31m clicks.\r\nThe pot stays warm.`;

/** No raw control character except line breaks and tabs reaches the reader. */
function expectNoControlCharacters(text: string): void {
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
}

beforeAll(async () => {
  pack = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
  docs = path.join(tmp.dir, hostileFolder);
  tmp.file(`${hostileFolder}/${hostileName}`, `Tea notes\n\n${passage}\n`);
  tmp.file(`${hostileFolder}/${brokenPdf}`, 'not a pdf');
  db = path.join(tmp.dir, 'lib.sqlite');
});

afterAll(() => tmp.cleanup());

describe('human output escapes control characters from files', () => {
  let ingest: CliRun;
  beforeAll(() => {
    ingest = runDocqa(['ingest', docs, '--db', db, '--model', pack], env);
  });
  const ask = (...extra: string[]): CliRun =>
    runDocqa(['ask', 'green tea kettle', '--db', db, '--model', pack, '--mode', 'bm25', ...extra], env);

  it('ingest', () => {
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stdout).toContain('1 added');
    expect(ingest.stdout).toContain('\\x1b[2Jreport.pdf: ');
    expectNoControlCharacters(ingest.stdout);
    expectNoControlCharacters(ingest.stderr);
  });

  it('ask', () => {
    const r = ask();
    expect(r.code, r.stderr).toBe(0);
    const answer = r.stdout.replace(/[»«]/g, ''); // without the highlight marks
    expect(answer).toContain('\\x1b]0;pwned\\x07notes.txt');
    expect(answer).toContain('\\x1b[2J\\x1b]0;pwned\\x1b\\ The kettle \\x9b31m clicks.');
    expect(answer).toContain('\n   The pot stays warm.'); // a Windows line break is a line break
    expectNoControlCharacters(r.stdout);
  });

  it('status', () => {
    const r = runDocqa(['status', '--db', db, '--model', pack], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('shelf\\x1b[31m');
    expect(r.stdout).toContain('\\x1b[2Jreport.pdf: ');
    expectNoControlCharacters(r.stdout);
  });

  it('JSON output stays exact', () => {
    const r = ask('--json');
    expect(r.code, r.stderr).toBe(0);
    const top = JSON.parse(r.stdout).results[0];
    expect(top.path).toBe(hostileName);
    expect(top.text).toContain(passage);
    const status = JSON.parse(runDocqa(['status', '--db', db, '--model', pack, '--json'], env).stdout);
    expect(status.failedFiles).toEqual([expect.objectContaining({ path: brokenPdf })]);
  });

  it('error messages naming a file are escaped too', () => {
    const r = runDocqa(['ingest', path.join(tmp.dir, `gone${ESC}[2J`), '--db', db, '--model', pack], env);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringContaining('gone\\x1b[2J')]);
    expectNoControlCharacters(r.stderr);
  });
});

/**
 * A write end of a pipe whose reader is already gone: every write to it fails with EPIPE,
 * whatever the timing (a FIFO opened for reading, then for writing, then closed for reading).
 */
function pipeWithoutReader(): number {
  const fifo = path.join(tmp.dir, `fifo-${Math.random().toString(36).slice(2)}`);
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  closeSync(reader);
  return writer;
}

describe('a reader that goes away', () => {
  it('ingest into a closed pipe finishes its work and exits 0 without a trace', () => {
    const pipeDb = path.join(tmp.dir, 'pipe.sqlite');
    const stdout = pipeWithoutReader();
    const r = runDocqa(['ingest', docs, '--db', pipeDb, '--model', pack], env, {
      stdio: ['ignore', stdout, 'pipe'],
    });
    closeSync(stdout);
    expect(r.stderr).not.toMatch(/EPIPE|Error|^\s+at /m);
    expect(r.code).toBe(0);
    const lib = openDatabase(pipeDb, { readonly: true });
    expect(lib.prepare(`SELECT COUNT(*) FROM documents WHERE status = 'ok'`).pluck().get()).toBe(1);
    lib.close();
  });

  it('a mistake reported into a closed stderr still exits 2', () => {
    const stderr = pipeWithoutReader();
    const r = runDocqa(['ask', '--bogus'], env, { stdio: ['ignore', 'pipe', stderr] });
    closeSync(stderr);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('watch stops when the reader of its output has gone', async () => {
    const stdout = pipeWithoutReader();
    const child = spawn(process.execPath, [DOCQA_BIN, 'watch', '--db', db, '--model', pack], {
      env,
      stdio: ['ignore', stdout, 'pipe'],
    });
    closeSync(stdout);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error|^\s+at /m);
    expect(code).toBe(0);
  });
});
