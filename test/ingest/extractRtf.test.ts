import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { rtfTokens } from '../../main/engine/ingest/rtfTokens.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';

const tempDir = useTempDir();
const FIXTURES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'written-by-other-tools',
);

/** Text in a Windows code page, written as Word writes it: every byte above 0x7f as \'hh. */
const escaped = (text: string, codepage: string) =>
  [...iconv.encode(text, codepage)]
    .map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\'${b.toString(16)}`))
    .join('');

describe('extractFile: RTF', () => {
  it('reads RTF as pandoc writes it, and keeps footnotes and text boxes but not headers and footers', async () => {
    const pandoc = await extractFile(path.join(FIXTURES, 'orchard-pandoc.rtf'));
    expect(pandoc.headings.map((h) => h.text)).toEqual(['Planting', 'Pruning', '采摘']);
    expect(pandoc.text).toContain('Apple | February | 150 kg');
    // pandoc writes a list item's bullet; the other readers write none.
    expect(pandoc.text).toContain('\n\nDig the hole twice as wide as the roots.\n\n');
    const notes = await extractFile(path.join(FIXTURES, 'beekeeping-notes.rtf'));
    expect(notes.title).toBe('Beekeeping notes');
    expect(notes.text).toContain('Never stand in front of the entrance.');
    expect(notes.text.endsWith('Above 15 degrees, with little wind.')).toBe(true);
    expect(notes.text).not.toMatch(/newsletter header|members only/);
  });

  it("reads Word's code pages, heading styles and field results; leaves out comments, pictures and headers", async () => {
    const rtf = [
      '{\\rtf1\\ansi\\ansicpg936\\deff0',
      '{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}{\\f1\\fswiss\\fcharset0 Arial;}}',
      '{\\stylesheet{\\s0 Normal;}{\\s1\\sbasedon0{\\*\\keycode \\shift\\ctrl 1} heading 1;}{\\*\\cs10 Default Paragraph Font;}}',
      `{\\info{\\title ${escaped('年假制度', 'gbk')}}{\\author HR}}`,
      '{\\header Company confidential\\par}',
      `\\pard\\plain\\s1 ${escaped('年假', 'gbk')}\\par`,
      '\\pard\\plain\\f1 Staff get {\\field{\\*\\fldinst HYPERLINK "http://intranet"}{\\fldrslt fifteen days}} of leave.',
      '{\\*\\annotation Check this number}\\par',
      `\\pard\\f0 ${escaped('申请休假需提前一周。', 'gbk')}\\par`,
      '{\\pict\\pngblip 89504e470d0a1a0a}',
      "\\pard\\f1 Caf\\'e9 au lait, {\\uc2\\u26085\\'c8\\'d5} and \\u8220\\'93quoted\\u8221\\'94.\\par}",
    ].join('\n');
    const doc = await extractFile(tempDir().write('leave.rtf', rtf));
    expect(doc.title).toBe('年假制度');
    expect(doc.headings.map((h) => [h.level, h.text])).toEqual([[1, '年假']]);
    expect(doc.text).toBe(
      '年假\n\nStaff get fifteen days of leave.\n\n申请休假需提前一周。\n\nCafé au lait, 日 and “quoted”.',
    );
  });

  it('guesses headings where TextEdit writes none, and reads its line ends', async () => {
    const rtf = [
      '{\\rtf1\\ansi\\ansicpg1252\\cocoartf2709',
      '\\cocoatextscaling0\\cocoaplatform0{\\fonttbl\\f0\\fswiss\\fcharset0 Helvetica;}',
      '{\\colortbl;\\red255\\green255\\blue255;}',
      '{\\*\\expandedcolortbl;;}',
      '\\paperw11900\\paperh16840\\margl1440\\margr1440\\vieww11520\\viewh8400\\viewkind0',
      '\\pard\\tx566\\tx1133\\pardirnatural\\partightenfactor0',
      '',
      '\\f0\\fs24 \\cf0 Packing list\\',
      '\\',
      'Bring a tent, a stove and two litres of water a person.\\',
      'The camp shop opens at 8\\uc0\\u8239 am.}',
    ].join('\n');
    const doc = await extractFile(tempDir().write('packing.rtf', rtf));
    expect(doc.title).toBe('Packing list');
    expect(doc.headings.map((h) => h.text)).toEqual(['Packing list']);
    expect(doc.text).toBe(
      'Packing list\n\nBring a tent, a stove and two litres of water a person.\n\nThe camp shop opens at 8\u202fam.',
    );
  });

  it('reads an RTF file named .doc (Word saves "Rich Text" so)', async () => {
    const doc = await extractFile(
      tempDir().write('letter.doc', '{\\rtf1\\ansi Dear club,\\par the fee rises.\\par}'),
    );
    expect(doc).toMatchObject({ type: 'doc', text: 'Dear club,\n\nthe fee rises.' });
  });

  it('refuses a file that is no RTF, an empty one and one without text; reads what a damaged one holds', async () => {
    const dir = tempDir();
    const notRtf = dir.write('notes.rtf', 'Plain text saved with the wrong name.');
    await expectFailure(
      extractFile(notRtf),
      'invalid-rtf',
      /^not a valid RTF file \(no RTF header\)$/,
      notRtf,
    );
    const empty = dir.write('empty.rtf', '');
    await expectFailure(extractFile(empty), 'empty', /^empty file$/, empty);
    const blank = dir.write(
      'blank.rtf',
      '{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\header Page \\chpgn\\par}\\pard\\par}',
    );
    await expectFailure(extractFile(blank), 'no-text', /^no text in this document$/, blank);
    // Cut short, bad escapes, a NUL byte, unbalanced groups: the text before and after stays.
    const damaged = await extractFile(
      dir.write(
        'damaged.rtf',
        "{\\rtf1\\ansi First part\\'zz, \\'00second {{{\\b part}}}}} and \\bin999999 rest",
      ),
    );
    expect(damaged.text).toBe('First partzz, second part and');
    // Groups nested deeper than any document nests are counted, not followed: their text is dropped.
    const deep = 200_000;
    const braces = await extractFile(
      dir.write('braces.rtf', `{\\rtf1 Before ${'{'.repeat(deep)}inside${'}'.repeat(deep)} after.}`),
    );
    expect(braces.text).toBe('Before after.');
  });
});

describe('rtfTokens', () => {
  it('reads control words with parameters and their delimiting space, symbols, hex bytes and \\bin data', () => {
    const tokens = [...rtfTokens(Buffer.from("{\\b0 x\\u-3913 \\'c6\\bin2 {}\\*\\~}", 'latin1'))].map(
      (t) => ({
        ...t,
        data: t.data && [...t.data],
      }),
    );
    expect(tokens).toEqual([
      { type: 0 },
      { type: 2, word: 'b', param: 0 },
      { type: 3, data: [0x78] },
      { type: 2, word: 'u', param: -3913 },
      { type: 2, word: "'", data: [0xc6] },
      { type: 2, word: 'bin', param: 2, data: [0x7b, 0x7d] },
      { type: 2, word: '*' },
      { type: 2, word: '~' },
      { type: 1 },
    ]);
  });
});
