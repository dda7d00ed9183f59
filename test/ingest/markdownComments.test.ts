import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { blankMarkdownComments } from '../../main/engine/ingest/markdownComments.js';
import { Library } from '../../main/engine/library/index.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';
import { tempDir as libraryTempDir } from '../library/helpers.js';

const tempDir = useTempDir();

describe('blankMarkdownComments', () => {
  it('blanks comments on one line and across lines, keeping every offset and line break', () => {
    const text = 'Keep this <!-- draft: secret --> text.\n<!--\nTODO: rewrite\n-->\nAfter.\n';
    const out = blankMarkdownComments(text);
    expect(out.length).toBe(text.length);
    expect(out.split('\n').length).toBe(text.split('\n').length);
    expect(out).not.toMatch(/secret|TODO|<!--|-->/);
    expect(out.indexOf('After.')).toBe(text.indexOf('After.'));
    expect(out.startsWith('Keep this ')).toBe(true);
    expect(out).toContain(' text.');
  });

  it('keeps comments inside fenced code blocks and inline code spans', () => {
    const text = [
      'Use `<!-- x -->` to hide a line.',
      '',
      '```html',
      '<!-- an example comment -->',
      '```',
      '',
      '<!-- hidden -->visible',
    ].join('\n');
    const out = blankMarkdownComments(text);
    expect(out).toContain('`<!-- x -->`');
    expect(out).toContain('<!-- an example comment -->');
    expect(out).not.toContain('hidden');
    expect(out.endsWith('visible')).toBe(true);
  });

  it('leaves an unclosed comment as text, and a text without comments as the same string', () => {
    const unclosed = 'Text <!-- never closed\nmore\n';
    expect(blankMarkdownComments(unclosed)).toBe(unclosed);
    const plain = '# Title\n\nNo comments here.\n';
    expect(blankMarkdownComments(plain)).toBe(plain);
  });

  it('reads a large file with an unclosed comment at the top in linear time', () => {
    const text = `<!-- open\n${'a line of text\n'.repeat(200_000)}`;
    expect(blankMarkdownComments(text)).toBe(text);
  });
});

describe('extractFile: Markdown comments', () => {
  it('passes no comment text to headings, title or passages', async () => {
    const dir = tempDir();
    const text =
      '<!-- template: fill in -->\n# Real title\n\n## Setup <!-- old name: Install -->\n\nRun the installer.\n';
    const doc = await extractFile(dir.write('notes.md', text));
    expect(doc.title).toBe('Real title');
    expect(doc.headings.map((h) => h.text)).toEqual(['Real title', 'Setup']);
    expect(doc.text).not.toMatch(/template|old name/);
    expect(doc.text.length).toBe(text.length);
  });

  it('a file of comments alone is empty', async () => {
    const dir = tempDir();
    const file = dir.write('todo.md', '<!-- nothing written yet -->\n\n<!-- later -->\n');
    await expectFailure(extractFile(file), 'empty', /^empty file \(only comments and whitespace\)$/, file);
  });
});

describe('a library of Markdown with comments', () => {
  const tmp = libraryTempDir('docqa-mdcomments-');
  afterAll(() => tmp.cleanup());

  it('finds what the file says, not what its comments say, with the file lines it had', async () => {
    const lines = [
      '# Backups',
      '',
      '<!--',
      'Reviewer note: the quokkaserver paragraph is outdated.',
      '-->',
      '',
      'Backups run every night at two and keep thirty days of snapshots.',
    ];
    tmp.file(path.join('docs', 'backups.md'), `${lines.join('\n')}\n`);
    const lib = await Library.open({ dbPath: path.join(tmp.dir, 'lib.sqlite'), provider: 'cpu' });
    try {
      await lib.addFolder(path.join(tmp.dir, 'docs'));
      await lib.ingest();
      const comment = await lib.ask('quokkaserver reviewer note', { k: 5 });
      for (const r of comment.results) expect(r.text).not.toMatch(/quokkaserver|Reviewer/);
      const answer = await lib.ask('How long are backup snapshots kept?', { k: 5 });
      expect(answer.results[0]?.path).toBe('backups.md');
      expect(answer.results[0]?.text).toContain('thirty days');
      expect(answer.results[0]?.text).not.toContain('Reviewer');
      // The passage's line is the file's line of its first words.
      const first = answer.results[0]!;
      expect(lines[first.line - 1]).toBe(first.text.split('\n')[0]);
    } finally {
      await lib.close();
    }
  });
});
