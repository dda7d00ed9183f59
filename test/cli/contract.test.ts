import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTestPack } from '../library/helpers.js';
import { cliEnv, runDocqa } from './runDocqa.js';

// README: every user mistake prints one line on stderr and exits with code 2.

const tmp = tempDir('docqa-cli-contract-');
const env = cliEnv(tmp.dir);
const docqa = (args: string[], environment = env) => runDocqa(args, environment);
let pack: string;
let db: string;

beforeAll(async () => {
  pack = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
  tmp.file('docs/tea.md', '# Tea\n\nGreen tea wants water at about eighty degrees.\n');
  db = path.join(tmp.dir, 'lib.sqlite');
  const ingest = docqa(['ingest', path.join(tmp.dir, 'docs'), '--db', db, '--model', pack, '--json']);
  expect(ingest.code, ingest.stderr).toBe(0);
});

afterAll(() => tmp.cleanup());

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

function expectOneLineMistake(args: string[], pattern: RegExp, environment = env): void {
  const r = docqa(args, environment);
  const what = JSON.stringify(args);
  expect(r.code, `${what}: ${r.stderr}`).toBe(2);
  expect(
    r.stderr.split('\n').filter((l) => l.trim()),
    what,
  ).toHaveLength(1);
  expect(r.stderr, what).toMatch(pattern);
  expect(r.stderr, what).not.toMatch(/^\s+at /m); // no stack trace
  expect(r.stdout, what).toBe('');
}

const mistakes: [string, string[], RegExp][] = [
  ['a missing argument', ['ask'], /^docqa: missing required argument 'question' \(see docqa ask --help\)$/m],
  ['a missing folder argument', ['ingest'], /missing required argument 'folder'/],
  [
    'an unknown option',
    ['ask', 'tea', '--bogus'],
    /^docqa: unknown option '--bogus' \(see docqa ask --help\)$/m,
  ],
  ['a mistyped option', ['ask', 'tea', '--dbb', 'x'], /unknown option '--dbb' \(did you mean --db\?\)/],
  ['an option without its value', ['ask', 'tea', '--k'], /option '--k <n>' argument missing/],
  [
    'an unknown command',
    ['askk', 'tea'],
    /^docqa: unknown command 'askk' \(did you mean ask\?\) \(see docqa --help\)$/m,
  ],
  [
    'an unknown subcommand',
    ['models', 'frobnicate'],
    /unknown command 'frobnicate' \(see docqa models --help\)/,
  ],
  [
    'a subcommand without its argument',
    ['models', 'use'],
    /missing required argument 'pack' \(see docqa models use --help\)/,
  ],
  ['a missing required option', ['search'], /required option '--batch <file>' not specified/],
  [
    'an unquoted question',
    ['ask', 'how', 'is', 'tea', 'made'],
    /too many arguments for 'ask'.*put the question in quotes/,
  ],
];

describe('docqa command-line mistakes', () => {
  it.each(mistakes)('%s: one line, exit 2', (_what, args, pattern) => expectOneLineMistake(args, pattern));

  it('an empty question is a mistake, not "not found"', () => {
    expectOneLineMistake(['ask', '', '--db', db, '--model', pack], /^docqa: the question is empty/m);
    expectOneLineMistake(['ask', '  \t ', '--db', db, '--model', pack], /the question is empty/);
  });

  it('help and version are not mistakes; no command shows the help and exits 2', () => {
    const help = docqa(['ask', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: docqa ask/m);
    expect(docqa(['--version'])).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const bare = docqa([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: docqa/m);
  });

  describe('a library file in a folder that does not exist', () => {
    const missing = path.join(tmp.dir, 'no-such-folder', 'sub');
    const file = path.join(missing, 'lib.sqlite');
    const named = new RegExp(`folder not found: ${escapeRegExp(missing)} \\(for (--db|DOCQA_DB) `);
    const cases: [string, string[], NodeJS.ProcessEnv?][] = [
      ['ingest --db', ['ingest', path.join(tmp.dir, 'docs'), '--db', file, '--model', 'unused']],
      ['ingest with DOCQA_DB', ['ingest', path.join(tmp.dir, 'docs')], { DOCQA_DB: file }],
      ['models use --db', ['models', 'use', 'builtin', '--db', file]],
      ['serve --db', ['serve', '--db', file]],
    ];
    it.each(cases)('%s: one line naming the folder, exit 2, nothing created', (_what, args, extra) => {
      expectOneLineMistake(args, named, { ...env, ...extra });
      expect(existsSync(path.join(tmp.dir, 'no-such-folder'))).toBe(false);
    });

    it('an empty --db is a mistake too', () => {
      expectOneLineMistake(['ingest', path.join(tmp.dir, 'docs'), '--db', ''], /--db needs a file name/);
    });
  });

  describe('`models use` names what a folder that is not a pack lacks', () => {
    it('a plain folder', () => {
      const plain = path.join(tmp.dir, 'docs');
      expectOneLineMistake(
        ['models', 'use', plain, '--db', db],
        new RegExp(`^docqa: no manifest\\.json in ${escapeRegExp(plain)}: not a DocQA model pack$`, 'm'),
      );
    });

    it('a folder exported from the Hugging Face hub', () => {
      tmp.file('hub-export/tokenizer.json', '{}');
      tmp.file('hub-export/onnx/model.onnx', '');
      expectOneLineMistake(
        ['models', 'use', path.join(tmp.dir, 'hub-export'), '--db', db],
        /no manifest\.json in .*hub-export: it looks like a Hugging Face export, install it with "docqa models import/,
      );
    });

    it('a file', () => {
      expectOneLineMistake(
        ['models', 'use', path.join(tmp.dir, 'docs', 'tea.md'), '--db', db],
        /tea\.md is a file/,
      );
    });

    it('a name that is not installed and no such path', () => {
      expectOneLineMistake(['models', 'use', 'no-such-pack', '--db', db], /no pack "no-such-pack"/);
    });
  });

  it('`serve --help` describes the token as it behaves (per run, reusable until the server stops)', () => {
    const r = docqa(['serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/one-time/);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/new on every run and valid until the server stops/);
  });
});
