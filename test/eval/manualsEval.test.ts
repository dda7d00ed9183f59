import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstManualsHitRank } from '../../main/engine/eval/manualsScoring.js';
import { isManualsSet, loadManualsSet } from '../../main/engine/eval/manualsSet.js';
import { runEval, type ManualsEvalResult } from '../../main/engine/eval/runEval.js';

const q = (docs: string[], answers: string[]) => ({
  id: 'x',
  question: 'q',
  kind: 'en',
  docs,
  answers,
  library: '',
});

describe('manuals scoring rule', () => {
  it('matches gold docs on "/" boundaries and snippets without whitespace, case-insensitively', () => {
    const gold = q(['guide/build.html'], ['Sudo  pbuilder\ncreate']);
    expect(firstManualsHitRank(gold, [{ path: 'guide/build.html', text: 'run sudo pbuilder create' }])).toBe(
      1,
    );
    expect(firstManualsHitRank(gold, [{ path: 'x/guide/build.html', text: 'SUDOPBUILDERCREATE' }])).toBe(1);
    // "myguide/build.html" ends with the gold path but not on a "/" boundary
    expect(firstManualsHitRank(gold, [{ path: 'myguide/build.html', text: 'sudo pbuilder create' }])).toBe(0);
    // right text, wrong document; then right document, wrong text; then the hit
    expect(
      firstManualsHitRank(gold, [
        { path: 'guide/other.html', text: 'sudo pbuilder create' },
        { path: 'guide/build.html', text: 'sudo pbuilder' },
        { path: 'guide/build.html', text: 'sudo pbuilder create' },
      ]),
    ).toBe(3);
  });

  it('looks at the first 10 results only', () => {
    const gold = q(['a.html'], ['the answer']);
    const miss = { path: 'b.html', text: 'the answer' };
    expect(firstManualsHitRank(gold, [...Array(10).fill(miss), { path: 'a.html', text: 'the answer' }])).toBe(
      0,
    );
  });
});

describe('docqa eval on a manuals-format set', () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'docqa-manuals-'));
    const set = path.join('set');
    write(
      `${set}/docs/guide/build.html`,
      '<html><head><title>Building</title></head><body><h1>Building the package</h1>' +
        '<p>First initialise the clean chroot with <code>sudo pbuilder\ncreate</code> and wait.</p></body></html>',
    );
    write(
      `${set}/docs/guide/upload.html`,
      '<html><head><title>Uploading</title></head><body><h1>Uploading</h1>' +
        '<p>Sign the changes file with debsign before you upload it with dput.</p></body></html>',
    );
    const questions = [
      {
        id: 'm-1',
        question: 'How do I create the pbuilder chroot?',
        lang: 'en',
        kind: 'en',
        docs: ['guide/build.html'],
        answers: ['sudo pbuilder create'],
      },
      {
        id: 'm-2',
        question: 'How do I sign and upload with debsign and dput?',
        lang: 'en',
        kind: 'en',
        docs: ['guide/upload.html'],
        answers: ['Sign the changes file with debsign'],
      },
      {
        id: 'm-3',
        question: 'How do I configure the Kubernetes ingress controller?',
        lang: 'en',
        kind: 'none',
        docs: [],
        answers: [],
      },
    ];
    write(`${set}/questions.jsonl`, questions.map((x) => JSON.stringify(x)).join('\n') + '\n');
    // A set with one library per folder, like manuals-xling-dev: each question searches its own folder only.
    write('xl/docs/en/a.md', '# Rotation\n\nUse logrotate to rotate the log files every week.\n');
    write('xl/docs/zh/b.md', '# 轮换\n\n用 logrotate 每周轮换日志文件。\n');
    const xl = [
      {
        id: 'x-1',
        question: 'Use logrotate to rotate the log files?',
        kind: 'en',
        library: 'en',
        docs: ['a.md'],
        answers: ['Use logrotate to rotate'],
      },
      // Its snippet is only in the zh folder, which is not this question's library: never a hit.
      {
        id: 'x-2',
        question: 'logrotate 日志',
        kind: 'zh',
        library: 'en',
        docs: ['b.md'],
        answers: ['每周轮换日志文件'],
      },
      {
        id: 'x-3',
        question: 'logrotate 日志',
        kind: 'zh',
        library: 'zh',
        docs: ['b.md'],
        answers: ['每周轮换日志文件'],
      },
    ];
    write('xl/questions.jsonl', xl.map((x) => JSON.stringify(x)).join('\n') + '\n');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('recognises the format and reads kinds, gold docs and library folders', () => {
    expect(isManualsSet(path.join(dir, 'set'))).toBe(true);
    const set = loadManualsSet(path.join(dir, 'xl'));
    expect(set.libraries).toEqual(['en', 'zh']);
    expect(set.questions.map((x) => x.kind)).toEqual(['en', 'zh', 'zh']);
  });

  it('scores per kind by the README rule, "not found" counting as a miss', async () => {
    const results = (await runEval({
      setDirs: [path.join(dir, 'set')],
      pool: false,
      modes: ['bm25'],
      k: 10,
    })) as ManualsEvalResult[];
    const en = results.find((r) => r.kind === 'en')!;
    const none = results.find((r) => r.kind === 'none')!;
    expect(en.questions).toBe(2);
    expect(en['hit@1']).toBe(1);
    expect(en.notFound).toBe(0);
    expect(none.questions).toBe(1);
    expect(none['hit@1']).toBeNull();
    expect(none.notFound).toBe(1);
  });

  it('builds one library per folder for a set whose questions name their library', async () => {
    const results = (await runEval({
      setDirs: [path.join(dir, 'xl')],
      pool: true,
      modes: ['bm25'],
      k: 10,
    })) as ManualsEvalResult[];
    const en = results.find((r) => r.kind === 'en')!;
    const zh = results.filter((r) => r.kind === 'zh');
    expect(en['hit@1']).toBe(1);
    // x-2 (library en) cannot hit; x-3 (library zh) does: two parts, one row each
    expect(zh.map((r) => r.ranked!['hit@10']).sort()).toEqual([0, 1]);
  });
});
