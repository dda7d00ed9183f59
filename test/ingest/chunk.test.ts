import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { chunkDocument, type ChunkOptions } from '../../main/engine/ingest/chunk.js';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import type { Chunk, ExtractedDocument } from '../../main/engine/ingest/types.js';
import { UserError } from '../../main/engine/errors.js';
import { makePdf } from '../../scripts/documentWriters/pdfWriter.js';
import { makeDocx } from '../../scripts/documentWriters/docxWriter.js';
import { useTempDir } from './helpers/tempDir.js';

const tempDir = useTempDir();

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split(/\r\n|\n|\r/).length;
}

/** Everything chunkDocument promises for every chunk of every document. */
function expectInvariants(
  doc: Pick<ExtractedDocument, 'text'>,
  chunks: Chunk[],
  options: ChunkOptions = {},
): void {
  const max = options.maxChars ?? Math.floor((options.targetChars ?? 800) * 1.5);
  chunks.forEach((c, i) => {
    expect(c.ord).toBe(i);
    expect(c.text).toBe(doc.text.slice(c.start, c.end));
    expect(c.text.trim()).toBe(c.text);
    expect(c.text.length).toBeGreaterThan(0);
    expect(c.end - c.start).toBeLessThanOrEqual(max);
    expect(c.line).toBe(lineOf(doc.text, c.start));
    if (i > 0) {
      const prev = chunks[i - 1];
      expect(c.start).toBeGreaterThan(prev.start);
      if (!options.overlapChars) expect(c.start).toBeGreaterThanOrEqual(prev.end);
    }
  });
}

function textDoc(
  text: string,
  type: ExtractedDocument['type'] = 'text',
): Pick<ExtractedDocument, 'type' | 'text' | 'headings' | 'pages'> {
  return { type, text, headings: [], pages: [] };
}

describe('chunkDocument', () => {
  it('gives every chunk of a markdown document its heading path; a heading followed only by another heading joins it', async () => {
    const dir = tempDir();
    const text = [
      'Preamble text.',
      '',
      '# Guide',
      '',
      'Intro to the guide.',
      '',
      '## Install',
      '',
      'Install text.',
      '',
      '### Linux',
      '',
      'Linux text.',
      '',
      '## Use',
      '',
      'Use text.',
      '',
      '# Appendix',
      '',
      '## Empty parent',
      '### Child',
      'Child text.',
      '',
      '## Left empty',
      '',
      '## Sibling',
      '',
      'Sibling text.',
      '',
    ].join('\n');
    const doc = await extractFile(dir.write('guide.md', text));
    const chunks = chunkDocument(doc, { targetChars: 40 });
    expectInvariants(doc, chunks, { targetChars: 40 });
    expect(chunks.map((c) => [c.headingPath, c.text, c.page])).toEqual([
      [[], 'Preamble text.', null],
      [['Guide'], '# Guide\n\nIntro to the guide.', null],
      [['Guide', 'Install'], '## Install\n\nInstall text.', null],
      [['Guide', 'Install', 'Linux'], '### Linux\n\nLinux text.', null],
      [['Guide', 'Use'], '## Use\n\nUse text.', null],
      [['Appendix', 'Empty parent', 'Child'], '# Appendix\n\n## Empty parent\n### Child\nChild text.', null],
      // A section left empty before one of its level (an e-book's title page) is not a passage alone.
      [['Appendix', 'Sibling'], '## Left empty\n\n## Sibling\n\nSibling text.', null],
    ]);
  });

  it('merges short paragraphs up to the target and never crosses a heading', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} is short.`);
    const text = `${paragraphs.slice(0, 6).join('\n\n')}\n\n# Next\n\n${paragraphs.slice(6).join('\n\n')}`;
    const doc = {
      ...textDoc(text, 'markdown'),
      headings: [{ level: 1, text: 'Next', start: text.indexOf('# Next'), end: text.indexOf('# Next') + 6 }],
    };
    const chunks = chunkDocument(doc, { targetChars: 100 });
    expectInvariants(doc, chunks, { targetChars: 100 });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.length).toBeLessThan(12);
    const headingAt = text.indexOf('# Next');
    for (const c of chunks) expect(c.start < headingAt && c.end > headingAt).toBe(false);
    for (const c of chunks) expect(c.end - c.start).toBeLessThanOrEqual(100);
  });

  it('never leaves a title alone before a paragraph too long to join whole: it takes its first sentences', () => {
    // Shaped like tydiqa's "Nimrod (computer)": a title line, then a paragraph just under the maximum.
    const sentences = Array.from({ length: 31 }, (_, i) => `The Nimrod fact ${i} is about the games.`);
    const paragraph = sentences.join(' ');
    const text = `Nimrod (computer)\n\n${paragraph}\n\nIt was shown at the festival.`;
    const doc = textDoc(text);
    const chunks = chunkDocument(doc);
    expectInvariants(doc, chunks);
    // Too long to join the title within the maximum (1,200), short enough to be one unit.
    expect(paragraph.length).toBeGreaterThan(1200 - 'Nimrod (computer)\n\n'.length);
    expect(paragraph.length).toBeLessThanOrEqual(1200);
    expect(chunks[0].text).toMatch(/^Nimrod \(computer\)\n\nThe Nimrod fact 0 is about the games\. .*\.$/s);
    expect(chunks[0].end - chunks[0].start).toBeLessThanOrEqual(800);
    // Every sentence in one chunk or the next, none cut, in order.
    expect(
      chunks
        .map((c) => c.text)
        .join(' ')
        .replace(/\s+/g, ' '),
    ).toBe(`Nimrod (computer) ${paragraph} It was shown at the festival.`);
    // Code is cut at lines: a short first piece of it stays as it is.
    const code = chunkDocument(textDoc(`x = 1\n\n${'y = 2\n'.repeat(200)}`, 'code'));
    expect(code[0].text).toBe('x = 1');
  });

  it('cuts an over-long paragraph at sentence ends, in English and in Chinese', () => {
    const en = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about item ${i}.`).join(' ');
    const zh = Array.from({ length: 60 }, (_, i) => `这是第${i}句话，内容关于租房合同。`).join('');
    for (const text of [en, zh]) {
      const doc = textDoc(text);
      const chunks = chunkDocument(doc, { targetChars: 200 });
      expectInvariants(doc, chunks, { targetChars: 200 });
      expect(chunks.length).toBeGreaterThan(3);
      for (const c of chunks) expect(c.text).toMatch(/[.。]$/);
      expect(chunks.map((c) => c.text).join(text === en ? ' ' : '')).toBe(text);
    }
  });

  it('cuts long code and CSV at line ends', () => {
    const csv = [
      'id,name,amount',
      ...Array.from({ length: 200 }, (_, i) => `${i},item ${i}. Note,${i * 3}`),
    ].join('\n');
    const doc = textDoc(csv, 'csv');
    const chunks = chunkDocument(doc, { targetChars: 300 });
    expectInvariants(doc, chunks, { targetChars: 300 });
    for (const c of chunks) {
      expect(c.start === 0 || csv[c.start - 1] === '\n').toBe(true);
      expect(c.end === csv.length || csv[c.end] === '\n').toBe(true);
    }
  });

  it('repeats whole sentences of the previous chunk as overlap, within the limits', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Fact ${i} is stated here.`).join(' ');
    const doc = textDoc(text);
    const options = { targetChars: 120, overlapChars: 50 };
    const chunks = chunkDocument(doc, options);
    expectInvariants(doc, chunks, options);
    for (let i = 1; i < chunks.length; i++) {
      const overlap = chunks[i - 1].end - chunks[i].start;
      expect(overlap).toBeGreaterThan(0);
      expect(chunks[i].start - (chunks[i - 1].end + 1)).toBeLessThanOrEqual(0);
      expect(chunks[i].text).toMatch(/^Fact \d+/);
      expect(text.slice(chunks[i].start, chunks[i - 1].end + 1).length).toBeLessThanOrEqual(51);
    }
  });

  it('numbers lines for \\n, \\r\\n and lone \\r', () => {
    const text =
      'alpha paragraph one\r\n\r\nbeta paragraph two\n\ngamma paragraph three\r\rdelta paragraph 4\r\n';
    const doc = textDoc(text);
    const chunks = chunkDocument(doc, { targetChars: 20 });
    expectInvariants(doc, chunks, { targetChars: 20 });
    expect(chunks.map((c) => [c.text, c.line])).toEqual([
      ['alpha paragraph one', 1],
      ['beta paragraph two', 3],
      ['gamma paragraph three', 5],
      ['delta paragraph 4', 7],
    ]);
  });

  it('keeps chunks inside PDF pages and numbers them by page', async () => {
    const dir = tempDir();
    const file = dir.write(
      'pages.pdf',
      makePdf([
        { lines: ['First page text.', 'Still first page.'] },
        { lines: [] },
        { lines: ['Third page: 第三页。'] },
      ]),
    );
    const doc = await extractFile(file);
    const chunks = chunkDocument(doc);
    expectInvariants(doc, chunks);
    expect(chunks.map((c) => [c.page, c.text])).toEqual([
      [1, 'First page text.\nStill first page.'],
      [3, 'Third page: 第三页。'],
    ]);
  });

  it('follows DOCX headings', async () => {
    const dir = tempDir();
    const doc = await extractFile(
      dir.write(
        'h.docx',
        makeDocx([
          { text: 'Leave', style: 'Heading1' },
          { text: 'Twenty days.' },
          { text: 'Sick leave', style: 'Heading2' },
          { text: 'Five days.' },
        ]),
      ),
    );
    expect(chunkDocument(doc, { targetChars: 30 }).map((c) => [c.headingPath, c.text])).toEqual([
      [['Leave'], 'Leave\n\nTwenty days.'],
      [['Leave', 'Sick leave'], 'Sick leave\n\nFive days.'],
    ]);
  });

  it('has offsets into the file text as read: BOM dropped, CRLF kept, astral characters counted as two units', async () => {
    const dir = tempDir();
    const body = 'Emoji 😀 and 𠀀 first.\r\n\r\nThe gold answer sits here.\r\n\r\n年假五天。\r\n';
    const file = dir.write(
      'offsets.txt',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body, 'utf8')]),
    );
    const doc = await extractFile(file);
    const asRead = readFileSync(file, 'utf8').replace(/^\ufeff/, '');
    expect(doc.text).toBe(asRead);
    const chunks = chunkDocument(doc, { targetChars: 30 });
    expectInvariants(doc, chunks, { targetChars: 30 });
    for (const c of chunks) expect(asRead.slice(c.start, c.end)).toBe(c.text);
    const gold = asRead.indexOf('The gold answer');
    expect(chunks.find((c) => c.start <= gold && gold < c.end)?.text).toBe('The gold answer sits here.');
  });

  it('splits a 10 MB single-line file (no breaks, no sentence marks) into bounded chunks, never inside a surrogate pair', async () => {
    const dir = tempDir();
    const unit = 'abcdefghi😀'; // 11 UTF-16 units
    const line = unit.repeat(Math.ceil((10 * 1024 * 1024) / Buffer.byteLength(unit)));
    const file = dir.write('one-line.txt', line);
    const doc = await extractFile(file);
    expect(doc.text.length).toBe(line.length);
    const chunks = chunkDocument(doc);
    expect(chunks.length).toBeGreaterThan(line.length / 1200);
    // Plain checks in the loop (thousands of chunks), one assertion on what went wrong.
    const problems: string[] = [];
    let covered = 0;
    for (const c of chunks) {
      const first = c.text.charCodeAt(0),
        last = c.text.charCodeAt(c.text.length - 1);
      if (c.end - c.start > 1200) problems.push(`chunk ${c.ord} too long`);
      if (c.start !== covered) problems.push(`gap before chunk ${c.ord}`);
      if (first >= 0xdc00 && first <= 0xdfff) problems.push(`chunk ${c.ord} starts inside a surrogate pair`);
      if (last >= 0xd800 && last <= 0xdbff) problems.push(`chunk ${c.ord} ends inside a surrogate pair`);
      covered = c.end;
    }
    expect(problems).toEqual([]);
    expect(covered).toBe(line.length);
    // Words separated by spaces are cut at a space instead.
    const words = textDoc('word '.repeat(200_000).trim());
    expect(chunkDocument(words).filter((c) => !/^word( word)*$/.test(c.text))).toEqual([]);
  });

  it('rejects nonsensical sizes as a user error', () => {
    const doc = textDoc('text');
    expect(() => chunkDocument(doc, { targetChars: 5 })).toThrow(UserError);
    expect(() => chunkDocument(doc, { targetChars: 100, overlapChars: 100 })).toThrow(/overlap/);
    expect(() => chunkDocument(doc, { targetChars: 100, maxChars: 50 })).toThrow(/maximum/);
  });
});

describe('an instruction stays with its command', () => {
  const plain = (text: string): Pick<ExtractedDocument, 'type' | 'text' | 'headings' | 'pages'> => ({
    type: 'text',
    text,
    headings: [],
    pages: [],
  });
  // 99 characters of background, then a 46-character announcement, then the command.
  const filler =
    'This paragraph explains the background of the tool, and why you would want to use it at all here.';

  it('joins the command block to the paragraph that announces it, up to the maximum size', () => {
    const text = `${filler}\n\nFirst initialise the local chroot as follows:\n\n$ sudo pbuilder create`;
    const chunks = chunkDocument(plain(text), { targetChars: 150, maxChars: 200 });
    const withCommand = chunks.find((c) => c.text.includes('sudo pbuilder create'))!;
    expect(withCommand.text).toContain('as follows:');
  });

  it('moves the announcing paragraph on with its command when both do not fit', () => {
    const text = `${filler}\n\nFirst initialise the local chroot as follows:\n\n$ sudo pbuilder create --distribution sid`;
    const chunks = chunkDocument(plain(text), { targetChars: 150, maxChars: 180 });
    const withCommand = chunks.find((c) => c.text.includes('sudo pbuilder create'))!;
    expect(withCommand.text.startsWith('First initialise the local chroot as follows:')).toBe(true);
    expect(chunks[0].text).toBe(filler);
    // Offsets still point at the chunk's own text.
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text);
  });

  it('reads an announcement followed by a footnote mark as one', () => {
    // One paragraph (background and announcement) that fills the target; the block would not join.
    const cut = (mark: string) => {
      const text = `${filler} The hook script is configured as follows:${mark}\n\n#!/bin/sh\nset -e\ninstall_packages lintian`;
      const chunks = chunkDocument(plain(text), { targetChars: 170, maxChars: 240 });
      return chunks.find((c) => c.text.includes('set -e'))!.text;
    };
    for (const mark of [' [68]', '[^2]', '¹', ' [a] [12]'])
      expect(cut(mark), mark).toContain(`follows:${mark}`);
    // A bracketed word is not a footnote mark: the paragraph no longer ends announcing anything.
    expect(cut(' [optional]').startsWith('#!/bin/sh')).toBe(true);
  });
});
