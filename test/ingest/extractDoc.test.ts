import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { guessHeadings } from '../../main/engine/ingest/guessedHeadings.js';
import { makeDocx } from '../../scripts/documentWriters/docxWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';

const tempDir = useTempDir();
const FIXTURES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'written-by-other-tools',
);
// Written by LibreOffice 7.4 (see the fixtures' README): Word 97–2003 as another program writes it.
const orchard = readFileSync(path.join(FIXTURES, 'orchard.doc'));
const notes = readFileSync(path.join(FIXTURES, 'beekeeping-notes.doc'));

/** The document with `run` (kept as UTF-16 in its stream) overwritten by private-use characters. */
function scrambled(doc: Buffer, run: string): Buffer {
  const at = doc.indexOf(Buffer.from(run, 'utf16le'));
  expect(at).toBeGreaterThan(0);
  const out = Buffer.from(doc);
  out.write('\ue000'.repeat(run.length), at, 'utf16le');
  return out;
}

describe('extractFile: Word 97–2003 (.doc)', () => {
  it('keeps text boxes and footnotes, leaves out the page header and footer', async () => {
    const doc = await extractFile(path.join(FIXTURES, 'beekeeping-notes.doc'));
    expect(doc.headings.map((h) => [h.level, h.text])).toEqual([
      [1, 'Spring inspection'],
      [1, 'Feeding'],
    ]);
    // The title in its summary properties (File › Properties), not its first heading.
    expect(doc.title).toBe('Beekeeping notes');
    expect(doc.text).toContain('Never stand in front of the entrance.');
    expect(doc.text).toContain('Above 15 degrees, with little wind.');
    expect(doc.text).not.toMatch(/newsletter header|members only/);
    // The note's mark and the tab after it are no table cell.
    expect(doc.text).not.toContain('|');
  });

  it('reads a Word 97–2003 document renamed to .docx, and a DOCX saved as .doc', async () => {
    const dir = tempDir();
    const renamed = await extractFile(dir.write('old.docx', orchard));
    expect(renamed).toMatchObject({ type: 'docx', title: 'The Home Orchard' });
    expect(renamed.text).toContain('Apple | February | 150 kg');
    const docx = await extractFile(dir.write('new.doc', makeDocx([{ text: 'Sales rose in the north.' }])));
    expect(docx).toMatchObject({ type: 'doc', text: 'Sales rose in the north.' });
  });

  it('reads a web page or a text file named .doc as what it is', async () => {
    const dir = tempDir();
    const page = await extractFile(
      dir.write(
        'report.doc',
        '<html><head><meta charset="utf-8"><title>Monthly report</title></head>' +
          '<body><h1>Sales</h1><p>Sales rose in the north.</p><table><tr><td>North</td><td>12%</td></tr></table></body></html>',
      ),
    );
    expect(page).toMatchObject({
      type: 'doc',
      title: 'Monthly report',
      text: 'Sales\n\nSales rose in the north.\n\nNorth | 12%',
    });
    expect(page.headings.map((h) => h.text)).toEqual(['Sales']);
    const notes = await extractFile(
      dir.write('pdb.doc', 'The Python Debugger\n\nTo use the debugger, import pdb.\n'),
    );
    expect(notes).toMatchObject({ type: 'doc', title: 'The Python Debugger' });
    expect(notes.text).toBe('The Python Debugger\n\nTo use the debugger, import pdb.\n');
  });

  it('refuses another binary file, a damaged document and an empty one, with a reason', async () => {
    const dir = tempDir();
    const other = dir.write(
      'photo.doc',
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]),
    );
    await expectFailure(
      extractFile(other),
      'invalid-doc',
      /^not a Word 97–2003 document \(not an OLE file\)$/,
      other,
    );
    const damaged = /^not a valid Word 97–2003 document \(damaged, or saved with a password\?\)$/;
    for (const [name, bytes] of [
      ['cut.doc', orchard.subarray(0, 9000)],
      ['header-only.doc', orchard.subarray(0, 600)],
      [
        'zeroed.doc',
        Buffer.concat([orchard.subarray(0, 5000), Buffer.alloc(3000, 0xff), orchard.subarray(8000)]),
      ],
      // Text that reads as garbage, as an encrypted document's does through a reader without the key.
      ['scrambled.doc', scrambled(orchard, 'Plant apple trees twenty feet apart, in full sun.')],
    ] as const) {
      const file = dir.write(name, bytes);
      await expectFailure(extractFile(file), 'invalid-doc', damaged, file);
    }
    // An OLE file that holds no Word document named .docx (a DOCX saved with a password) keeps its reason.
    const locked = dir.write('locked.docx', orchard.subarray(0, 600));
    await expectFailure(extractFile(locked), 'encrypted', /^password-protected DOCX/, locked);
    const empty = dir.write('empty.doc', '');
    await expectFailure(extractFile(empty), 'empty', /^empty file$/, empty);
    // Every byte of the damaged copies is still the fixture's: the good file reads as before.
    expect((await extractFile(dir.write('again.doc', notes))).title).toBe('Beekeeping notes');
  });
});

describe('guessHeadings', () => {
  const paragraphs = (...texts: string[]) => texts.map((text) => ({ text, table: text.includes(' | ') }));

  it('takes a short unpunctuated line before prose or a table, not a run of short lines', () => {
    expect(
      guessHeadings(
        paragraphs(
          'Opening hours',
          'The club opens at nine.',
          'Ann Smith',
          '12 Station Road',
          'Dear members, the fee rises next year.',
          'Prices',
          'Court | Fee',
          '- Bring your own racket',
          'Members pay on arrival.',
        ),
      ),
    ).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('puts headings under a title line and deeper by their section numbers', () => {
    expect(
      guessHeadings(
        paragraphs('Club handbook', '1 Membership', 'Everyone may join.', '1.2 Fees', 'Fees are due in May.'),
      ),
    ).toEqual([1, 2, 0, 3, 0]);
    expect(guessHeadings(paragraphs('第一章 总则', '本会章程如下。'))).toEqual([1, 0]);
  });
});
