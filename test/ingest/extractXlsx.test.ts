import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { documentTypeOf } from '../../main/engine/ingest/fileTypes.js';
import { makeXlsx, type XlsxSheet } from '../../scripts/documentWriters/xlsxWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';
import { expectArchiveRefusals } from './helpers/archiveRefusals.js';

const tempDir = useTempDir();

const BOOK: XlsxSheet[] = [
  {
    name: 'Camping gear',
    rows: [
      ['Item', 'Price', 'In stock', 'Bought'],
      ['Tent', { number: 120.5, format: '#,##0.00 "EUR"' }, true, { number: 46025, format: 14 }],
      // A gap in the row (no price) keeps the other cells under their own headers.
      [{ inline: 'Stove & pot' }, null, false, { number: 46032.75, format: 'yyyy-mm-dd hh:mm' }],
    ],
  },
  { name: 'Empty', rows: [] },
  {
    name: '备注',
    rows: [['帐篷在三号仓库'], [42]],
  },
];

describe('extractFile: XLSX', () => {
  it('reads every sheet under its name, each row a line, cells named by a header row, dates as dates', async () => {
    const dir = tempDir();
    const file = dir.write('gear.xlsx', makeXlsx(BOOK, { title: 'Club inventory' }));
    expect(documentTypeOf(file)).toBe('xlsx');
    const doc = await extractFile(file);
    expect(doc).toMatchObject({
      type: 'xlsx',
      title: 'Club inventory',
      encoding: null,
      pages: [],
      warnings: [],
    });
    expect(doc.text).toBe(
      'Camping gear\n\nItem | Price | In stock | Bought\n' +
        'Item: Tent | Price: 120.5 | In stock: TRUE | Bought: 2026-01-03\n' +
        'Item: Stove & pot | In stock: FALSE | Bought: 2026-01-10 18:00\n\n' +
        '备注\n\n帐篷在三号仓库\n42',
    );
    expect(doc.headings.map((h) => [h.level, h.text, doc.text.slice(h.start, h.end)])).toEqual([
      [1, 'Camping gear', 'Camping gear'],
      [1, '备注', '备注'],
    ]);
  });

  it('cuts a long sheet at rows, each passage under the sheet name, and titles by the file name without properties', async () => {
    const dir = tempDir();
    const rows = [['Date', 'Reading'], ...Array.from({ length: 400 }, (_, i) => [`day ${i}`, i * 3])];
    const file = dir.write('meter.xlsx', makeXlsx([{ name: 'Readings', rows }], { title: null }));
    const doc = await extractFile(file);
    expect(doc.title).toBe('meter');
    const chunks = chunkDocument(doc);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.headingPath).toEqual(['Readings']);
      // Whole rows only: every line after the sheet name names its cells.
      for (const line of c.text.split('\n').filter((l) => l && l !== 'Readings' && l !== 'Date | Reading'))
        expect(line).toMatch(/^Date: day \d+ \| Reading: \d+$/);
    }
  });

  it('refuses password-protected, damaged, non-Excel and empty workbooks with a reason, and decompression bombs', async () => {
    const dir = tempDir();
    const ole = dir.write(
      'locked.xlsx',
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
    );
    await expectFailure(extractFile(ole), 'encrypted', /^password-protected XLSX/, ole);
    await expectArchiveRefusals(dir, {
      ext: 'xlsx',
      name: 'XLSX',
      failure: 'invalid-xlsx',
      whole: makeXlsx(BOOK),
      empty: makeXlsx([{ name: 'Sheet1', rows: [] }]),
      withPart: (entry) => makeXlsx(BOOK, { extra: { 'xl/worksheets/sheet1.xml': entry } }),
      part: 'xl/worksheets/sheet1.xml',
    });
  });
});
