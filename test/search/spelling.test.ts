import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import { QUERY_MAX_CHARS } from '../../main/engine/search/ftsQuery.js';
import {
  MAX_CORRECTED_LETTERS,
  MIN_CORRECTED_LETTERS,
  wordsOneEditAway,
} from '../../main/engine/search/spelling.js';
import { expectUserError, tempDir } from '../library/helpers.js';

const tmp = tempDir('docqa-spelling-');
let lib: Library;

const DOCS: Record<string, string> = {
  'checks.md':
    '# Checking a package\n\nRun lintian on the built package: it reports errors (E:) and warnings (W:) about the packaging.\n',
  'travel.md':
    '# Travel notes\n\nThe train from Christchurch to Greymouth crosses the Southern Alps; book a window seat.\n',
  'tea.md': '# Tea\n\nGreen tea wants water at about eighty degrees; boiling water makes it bitter.\n',
  'config.md':
    '# Settings\n\nThe configuration file lives in /etc/docqa. Each setting has a default value.\n',
};

beforeAll(async () => {
  for (const [name, text] of Object.entries(DOCS)) tmp.file(`docs/${name}`, text);
  lib = await Library.open({ dbPath: path.join(tmp.dir, 'lib.sqlite'), provider: 'cpu' });
  const folder = await lib.addFolder(path.join(tmp.dir, 'docs'));
  await lib.ingest({ folderIds: [folder.id] });
});

afterAll(async () => {
  await lib.close();
  tmp.cleanup();
});

describe('wordsOneEditAway', () => {
  it('holds every word one letter left out, added, changed or swapped after the first, and not the word', () => {
    const variants = new Set(wordsOneEditAway('lintain'));
    for (const v of ['lintian', 'lintin', 'lintaint', 'lintaim', 'laintain'])
      expect(variants.has(v)).toBe(true);
    expect(variants.has('lintain')).toBe(false);
    expect(variants.has('lintiam')).toBe(false); // two edits
    for (const v of ['mintain', 'intain', 'ilntain']) expect(variants.has(v)).toBe(false); // the first letter
    for (const v of ['mintain', 'intain', 'ilntain']) expect(variants.has(v)).toBe(false); // the first letter
  });
});

describe('a word no passage holds', () => {
  it('is searched as the library word one edit away, and the answer says so', async () => {
    const answer = await lib.ask('How do I run lintain on my package?', { k: 3 });
    expect(answer.corrections).toEqual([{ written: 'lintain', searched: 'lintian' }]);
    expect(answer.results[0].path).toBe('checks.md');
    expect(answer.notFound).toBe(false);
  });

  it('keeps a capital, and a misspelt name is no longer a missing one', async () => {
    const asked = 'Which train leaves from Christchruch?';
    const answer = await lib.ask(asked, { k: 3 });
    expect(answer.corrections).toEqual([{ written: 'Christchruch', searched: 'Christchurch' }]);
    expect(answer.missingNames).toEqual([]);
    expect(answer.results[0].path).toBe('travel.md');
    // As written, the library lacks the name.
    const asWritten = await lib.ask(asked, { k: 3, asWritten: true });
    expect(asWritten.corrections).toEqual([]);
    expect(asWritten.missingNames).toEqual(['Christchruch']);
  });

  it('changes nothing in a question whose words the library holds', async () => {
    const asked = 'What temperature for green tea water?';
    const corrected = await lib.ask(asked, { k: 4 });
    const asWritten = await lib.ask(asked, { k: 4, asWritten: true });
    expect(corrected.corrections).toEqual([]);
    expect(corrected.results.map((r) => [r.chunkId, r.score])).toEqual(
      asWritten.results.map((r) => [r.chunkId, r.score]),
    );
  });

  it('stays as written when it is short, a name written on purpose, or code', async () => {
    // "Rust" (shorter than MIN_CORRECTED_LETTERS) is one edit from "trust" or "rest", not a misspelling of them.
    expect('rust'.length).toBeLessThan(MIN_CORRECTED_LETTERS);
    for (const asked of [
      'Does the train have rust?',
      'Can I set the defult in GOsaa?', // "defult" is corrected; GOsaa's inner capitals are deliberate
      'Is the setting in docqa.conff or ext44?',
    ]) {
      const { corrections } = await lib.ask(asked, { k: 3 });
      for (const c of corrections) expect(['defult']).toContain(c.written);
    }
    const { corrections } = await lib.ask('Can I set the defult in GOsaa?', { k: 3 });
    expect(corrections).toEqual([{ written: 'defult', searched: 'default' }]);
  });

  it('is looked at only as far as the search reads a pasted text', async () => {
    const pasted = `Run lintain first. ${'Green tea wants water at eighty degrees. '.repeat(120)} Christchruch`;
    expect(pasted.indexOf('Christchruch')).toBeGreaterThan(QUERY_MAX_CHARS);
    const answer = await lib.ask(pasted, { k: 3 });
    expect(answer.corrections).toEqual([{ written: 'lintain', searched: 'lintian' }]);
  });

  it('leaves a run of letters far longer than any word alone', async () => {
    const run = 'lintian'.repeat(Math.ceil((MAX_CORRECTED_LETTERS + 1) / 7));
    expect((await lib.ask(`Does ${run} work?`, { k: 3 })).corrections).toEqual([]);
    expect((await lib.ask(`Does ${'x'.repeat(100_000)} work?`, { k: 3 })).corrections).toEqual([]);
  });

  it('stays as written when it has no neighbour in the library', async () => {
    const answer = await lib.ask('How do I deploy with Kubernetes?', { k: 3 });
    expect(answer.corrections).toEqual([]);
    expect(answer.missingNames).toEqual(['Kubernetes']);
  });

  it('is left alone in a library mostly in the other language', async () => {
    const zh = await Library.open({ dbPath: path.join(tmp.dir, 'zh.sqlite'), provider: 'cpu' });
    try {
      tmp.file('zh/tea.md', '# 绿茶\n\n绿茶用八十度左右的水冲泡，不要用沸水。\n');
      tmp.file('zh/train.md', '# 火车\n\n从北京到上海的高铁大约四个半小时。 Run lintian first.\n');
      await zh.ingest({ folderIds: [(await zh.addFolder(path.join(tmp.dir, 'zh'))).id] });
      // In a Chinese library an English word is absent because the library writes it in Chinese.
      expect((await zh.ask('How do I run lintain on my package?', { k: 3 })).corrections).toEqual([]);
    } finally {
      await zh.close();
    }
  });

  it('rejects an asWritten that is not true or false', async () => {
    await expectUserError(
      lib.ask('tea?', { asWritten: 'yes' as unknown as boolean }),
      /asWritten must be true or false/,
    );
  });
});
