import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import {
  builtinEnglishWords,
  ENGLISH_WORDS_COPYRIGHT_FILE,
  ENGLISH_WORDS_FILE,
  SortedWordList,
} from '../../main/engine/search/englishWords.js';
import { builtinPackDir } from '../../main/engine/towers/builtinPack.js';
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
  'tea.md':
    '# Tea\n\nGreen tea wants water at about eighty degrees; boiling water makes it bitter. Serve it in an artistic cup.\n',
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

describe('SortedWordList', () => {
  it('finds every word of a sorted list and nothing else', () => {
    const words = ['apple', 'apricot', 'banana', 'cherry', 'damson', 'elder', 'fig'];
    const list = new SortedWordList(`${words.join('\n')}\n`);
    for (const w of words) expect(list.has(w)).toBe(true);
    for (const w of ['', 'a', 'apples', 'appl', 'b', 'zz', 'aardvark', 'apple\napricot'])
      expect(list.has(w)).toBe(false);
    expect([...list.words()]).toEqual(words);
  });

  it('is recorded in the pack: file hashes, manifest section and SCOWL attribution with its full notice', () => {
    const dir = builtinPackDir();
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
      attribution: string[];
      files: Record<string, { sha256: string; bytes: number }>;
      englishWords: { file: string; copyright: string; words: number };
    };
    for (const name of [ENGLISH_WORDS_FILE, ENGLISH_WORDS_COPYRIGHT_FILE]) {
      const bytes = readFileSync(path.join(dir, name));
      expect(manifest.files[name]).toEqual({
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.byteLength,
      });
    }
    const words = readFileSync(path.join(dir, ENGLISH_WORDS_FILE), 'utf8').trim().split('\n');
    expect(manifest.englishWords).toMatchObject({
      file: ENGLISH_WORDS_FILE,
      copyright: ENGLISH_WORDS_COPYRIGHT_FILE,
      words: words.length,
    });
    expect(words).toEqual([...words].sort()); // what the in-place search needs
    expect(
      manifest.attribution.some(
        (a) => a.startsWith(`${ENGLISH_WORDS_FILE}:`) && a.includes('Kevin Atkinson'),
      ),
    ).toBe(true);
    expect(readFileSync(path.join(dir, ENGLISH_WORDS_COPYRIGHT_FILE), 'utf8')).toMatch(
      /SCOWL[\s\S]*Permission to use/,
    );
  });

  it('holds the built-in pack words, each one findable', () => {
    const list = builtinEnglishWords();
    expect(list, 'the built-in pack has its English word list').not.toBeNull();
    for (const w of ['university', 'autistic', 'megan', 'philosophy']) expect(list!.has(w)).toBe(true);
    for (const w of ['philosphy', 'lintain', 'christchruch']) expect(list!.has(w)).toBe(false);
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

  it('stays as written when it is an English word the library lacks', async () => {
    // "autistic" is one letter from the library's "artistic", and a word of its own.
    expect(builtinEnglishWords()?.has('autistic')).toBe(true);
    const answer = await lib.ask('Is green tea good for autistic children?', { k: 3 });
    expect(answer.corrections).toEqual([]);
    // A misspelling of nothing in the word list is still corrected towards the library's word.
    expect((await lib.ask('Serve it in an artistc cup?', { k: 3 })).corrections).toEqual([
      { written: 'artistc', searched: 'artistic' },
    ]);
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
