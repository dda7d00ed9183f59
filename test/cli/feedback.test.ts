import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeTestPack } from '../library/helpers.js';
import { cliEnv, type CliRun, errorLines, runDocqa } from './runDocqa.js';

// Learning from use through the real `docqa` command: `ask` logs its answer, `feedback`
// records a signal on it, `learning …` shows, exports, pauses and erases what was kept.

const tmp = tempDir('docqa-cli-feedback-');
const env = cliEnv(tmp.dir);
let pack: string;
let db: string;
const docqa = (args: string[]): CliRun => runDocqa(args, env);
const inLibrary = (args: string[]): CliRun => docqa([...args, '--db', db]);

/** Rows of the library file, read with better-sqlite3 as any other program would. */
function count(table: 'answers' | 'signals', file = db): number {
  const sqlite = new Database(file, { readonly: true });
  try {
    return sqlite.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  } finally {
    sqlite.close();
  }
}

interface Answer {
  answerId?: number;
  results: { path: string }[];
}

function ask(question: string, ...flags: string[]): Answer {
  const r = inLibrary(['ask', question, '--model', pack, '--mode', 'bm25', '--json', ...flags]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Answer;
}

function learningState(): { signals: number; enabled: boolean; pending: number } {
  const r = inLibrary(['learning', 'status', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { signals: number; enabled: boolean; pending: number };
}

/** A user mistake: exit 2, one line on stderr matching `pattern`, nothing on stdout, no stack trace. */
function expectOneLineMistake(r: CliRun, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(errorLines(r.stderr)).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).toBe('');
}

beforeAll(async () => {
  pack = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
  tmp.file('docs/tea.md', '# Tea\n\nGreen tea wants water at about eighty degrees.\n');
  tmp.file('docs/coffee.md', '# Coffee\n\nCoffee wants water just off the boil, about ninety degrees.\n');
  tmp.file('docs/kettle.md', '# Kettle\n\nDescale the kettle that boils the water every month.\n');
  db = path.join(tmp.dir, 'lib.sqlite');
  const ingest = docqa(['ingest', path.join(tmp.dir, 'docs'), '--db', db, '--model', pack, '--json']);
  expect(ingest.code, ingest.stderr).toBe(0);
});

afterAll(() => tmp.cleanup());

describe('docqa ask and feedback', () => {
  it('search --batch and eval log no answer', () => {
    const batch = tmp.file(
      'questions.jsonl',
      [
        { id: 'a', question: 'water for green tea' },
        { id: 'b', question: 'descale the kettle' },
      ]
        .map((q) => JSON.stringify(q))
        .join('\n') + '\n',
    );
    const search = inLibrary(['search', '--batch', batch, '--model', pack, '--json']);
    expect(search.code, search.stderr).toBe(0);
    expect(search.stdout.trim().split('\n')).toHaveLength(2);
    for (const line of search.stdout.trim().split('\n'))
      expect(JSON.parse(line)).not.toHaveProperty('answerId');
    expect(count('answers')).toBe(0);

    tmp.file('set/docs/tea.txt', 'Tea\n\nGreen tea wants water at about eighty degrees.\n');
    tmp.file(
      'set/questions.jsonl',
      JSON.stringify({
        id: '1',
        question: 'green tea water',
        answers: [],
        doc: 'tea.txt',
        start: 5,
        end: 50,
      }) + '\n',
    );
    const evalDb = path.join(tmp.dir, 'eval.sqlite');
    const evaluated = docqa(['eval', path.join(tmp.dir, 'set'), '--db', evalDb, '--model', pack, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout.trim().split('\n')[0])).toMatchObject({ questions: 1 });
    expect(count('answers', evalDb)).toBe(0);
  });

  it('ask --json carries the id of its answer in the answers log', () => {
    const answer = ask('water for green tea');
    expect(answer.answerId).toEqual(expect.any(Number));
    expect(answer.results[0].path).toBe('tea.md');
    const sqlite = new Database(db, { readonly: true });
    try {
      const row = sqlite.prepare('SELECT question, shown FROM answers WHERE id = ?').get(answer.answerId) as {
        question: string;
        shown: string;
      };
      expect(row.question).toBe('water for green tea');
      expect(JSON.parse(row.shown)).toHaveLength(answer.results.length);
    } finally {
      sqlite.close();
    }
    // Each ask is its own answer.
    expect(ask('water for green tea').answerId).toBe(answer.answerId! + 1);
  });

  it('ask tells in one line how to say which passage answered', () => {
    const r = inLibrary(['ask', 'descale the kettle', '--model', pack, '--mode', 'bm25']);
    expect(r.code, r.stderr).toBe(0);
    const id = count('answers');
    expect(r.stdout).toContain(
      `\nAnswer ${id} — say which passage answered it: docqa feedback ${id} <rank> good|bad --db ${db}\n`,
    );
  });

  it('feedback records a signal, which learning status counts', () => {
    const answer = ask('coffee temperature');
    expect(answer.results[0].path).toBe('coffee.md');
    const r = inLibrary(['feedback', String(answer.answerId), '1', 'good']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Recorded: passage 1 of answer ${answer.answerId} answered it`);
    expect(learningState()).toMatchObject({ signals: 1, enabled: true, pending: 1 });
    expect(count('signals')).toBe(1);

    const status = inLibrary(['learning']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^Signals {4}1 \(1 good\) on 1 answer\(s\)/m);
  });

  it('refuses, in one line, a passage that was not shown, an unknown answer and an unknown signal', () => {
    const answer = ask('water for green tea');
    const id = String(answer.answerId);
    const shown = answer.results.length;
    expectOneLineMistake(
      inLibrary(['feedback', id, String(shown + 1), 'good']),
      new RegExp(
        `^docqa: answer ${id} showed ${shown} passage\\(s\\); there is no passage ${shown + 1}$`,
        'm',
      ),
    );
    expectOneLineMistake(
      inLibrary(['feedback', '9999', '1', 'good']),
      /^docqa: no answer with id 9999 in this library$/m,
    );
    expectOneLineMistake(
      inLibrary(['feedback', id, '1', 'great']),
      /^docqa: the signal must be one of good, bad, open, preview, copy \(got "great"\)$/m,
    );
    expectOneLineMistake(
      inLibrary(['feedback', 'latest', '1', 'good']),
      /^docqa: the answer id must be a whole number from 1 \(got "latest"\)$/m,
    );
    expectOneLineMistake(inLibrary(['feedback', id, '0', 'bad']), /the rank must be a whole number from 1/);
    expect(count('signals')).toBe(1);
  });

  it('runs the learning that a signal makes due before it exits, and says what came of it', () => {
    const answer = ask('boils the water');
    const id = String(answer.answerId);
    // Signals 2 to 4: not yet due.
    for (const signal of ['bad', 'open', 'copy']) {
      const r = inLibrary(['feedback', id, '1', signal, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ learned: null });
    }
    // The fifth new signal: one question with signals is far from the 2 × 20 a new model needs.
    const due = inLibrary(['feedback', id, '2', 'good', '--json']);
    expect(due.code, due.stderr).toBe(0);
    const outcome = JSON.parse(due.stdout);
    expect(outcome).toMatchObject({ learned: { outcome: 'too-few' }, state: { signals: 5, pending: 0 } });
    const text = inLibrary(['feedback', id, '2', 'preview']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Learning: too few signals yet: needs \d+ more question\(s\)/m);
  });

  it('exports the signals as JSON Lines with the question and the passage path', () => {
    const r = inLibrary(['learning', 'export']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(count('signals'));
    expect(lines[0]).toMatchObject({
      signal: 'good',
      question: 'coffee temperature',
      rank: 1,
      passage: { path: 'coffee.md', start: expect.any(Number), end: expect.any(Number) },
      shownAbove: [],
    });
    // A "this answered it" below the first passage names the passages shown above it.
    const second = lines.find((l) => l.signal === 'good' && l.rank === 2);
    expect(second.shownAbove).toHaveLength(1);

    const file = path.join(tmp.dir, 'signals.jsonl');
    const written = inLibrary(['learning', 'export', '--out', file]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain(`Wrote ${lines.length} signal(s) to ${file}`);
    expect(readFileSync(file, 'utf8')).toBe(r.stdout);
  });

  it('pauses and resumes learning', () => {
    expect(inLibrary(['learning', 'pause']).code).toBe(0);
    expect(learningState().enabled).toBe(false);
    const answer = ask('water for green tea');
    const r = inLibrary(['feedback', String(answer.answerId), '1', 'good']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Learning is paused: the signal is kept');
    expectOneLineMistake(inLibrary(['learning', 'learn']), /^docqa: learning is paused/m);
    expect(inLibrary(['learning', 'resume']).code).toBe(0);
    expect(learningState().enabled).toBe(true);
  });

  it('erases only with --yes', () => {
    const signals = count('signals');
    expect(signals).toBeGreaterThan(1);
    expectOneLineMistake(inLibrary(['learning', 'erase']), /add --yes to erase/);
    expect(count('signals')).toBe(signals);

    const r = inLibrary(['learning', 'erase', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Erased ${signals} signal(s)`);
    expect(learningState().signals).toBe(0);
    expect(count('signals')).toBe(0);
    // The answers log stays, like the chat's history: an answer still on screen can be marked again.
    expect(count('answers')).toBeGreaterThan(0);
    expect(inLibrary(['learning', 'export']).stdout).toBe('');
  });

  it('says in one line that there is nothing to restore, and names a mistyped learning command', () => {
    expectOneLineMistake(inLibrary(['learning', 'restore']), /^docqa: there is no learned model to undo$/m);
    expectOneLineMistake(
      inLibrary(['learning', 'eras']),
      /^docqa: unknown command 'eras' \(see docqa learning --help\)$/m,
    );
  });
});
