import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import type { ExtractedDocument } from '../../main/engine/ingest/types.js';
import { makeOdt } from '../../scripts/documentWriters/odtWriter.js';
import { makeXls } from '../../scripts/documentWriters/xlsWriter.js';
import { makeXlsx } from '../../scripts/documentWriters/xlsxWriter.js';
import { useTempDir } from './helpers/tempDir.js';

const tempDir = useTempDir();
const fixtures = path.join(import.meta.dirname, 'fixtures', 'written-by-other-tools');

/** Each line of the text with the row the reader gave it (0: no row). */
function rowsByLine(doc: ExtractedDocument): [number, string][] {
  return doc.text.split('\n').map((line, i) => [doc.rowOfLine?.[i] ?? -1, line]);
}

// Rows 1, 2 and 4 hold something (3 is empty); a second sheet starts again at 1.
const GEAR = [
  ['Item', 'Price'],
  ['Tent', 120],
  [null, null],
  ['Stove', 45],
];
const EXPECTED: [number, string][] = [
  [0, 'Gear'],
  [0, ''],
  [1, 'Item | Price'],
  [2, 'Item: Tent | Price: 120'],
  [4, 'Item: Stove | Price: 45'],
  [0, ''],
  [0, 'Notes'],
  [0, ''],
  [1, 'Pegs are in the red box'],
];

describe('a spreadsheet line knows its row', () => {
  it('as Excel numbers it, in XLSX and XLS, empty rows counted', async () => {
    const dir = tempDir();
    const sheets = [
      { name: 'Gear', rows: GEAR },
      { name: 'Notes', rows: [['Pegs are in the red box']] },
    ];
    expect(rowsByLine(await extractFile(dir.write('gear.xlsx', makeXlsx(sheets))))).toEqual(EXPECTED);
    expect(rowsByLine(await extractFile(dir.write('gear.xls', makeXls(sheets))))).toEqual(EXPECTED);
  });

  it('in ODS, repeated rows (full and empty) counted as the rows they stand for', async () => {
    const cell = (text: string) =>
      `<table:table-cell office:value-type="string"><text:p>${text}</text:p></table:table-cell>`;
    const sheets = [
      '<table:table table:name="Gear">',
      `<table:table-row>${cell('Item')}${cell('Price')}</table:table-row>`,
      `<table:table-row table:number-rows-repeated="2">${cell('Peg')}${cell('1')}</table:table-row>`,
      '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>',
      `<table:table-row>${cell('Stove')}${cell('45')}</table:table-row>`,
      '</table:table>',
    ].join('');
    const doc = await extractFile(tempDir().write('gear.ods', makeOdt(sheets, { kind: 'spreadsheet' })));
    expect(rowsByLine(doc)).toEqual([
      [0, 'Gear'],
      [0, ''],
      [1, 'Item | Price'],
      [2, 'Item: Peg | Price: 1'],
      [3, 'Item: Peg | Price: 1'],
      [7, 'Item: Stove | Price: 45'],
    ]);
  });

  it('keeps a row number too large to hold at the largest, not wrapped to a negative one', async () => {
    const cell = (text: string) =>
      `<table:table-cell office:value-type="string"><text:p>${text}</text:p></table:table-cell>`;
    const sheets = `<table:table table:name="Odd"><table:table-row table:number-rows-repeated="4294967296"><table:table-cell/></table:table-row><table:table-row>${cell('Last')}</table:table-row></table:table>`;
    const doc = await extractFile(tempDir().write('odd.ods', makeOdt(sheets, { kind: 'spreadsheet' })));
    expect(rowsByLine(doc)).toEqual([
      [0, 'Odd'],
      [0, ''],
      [2147483647, 'Last'],
    ]);
  });

  it('in the files LibreOffice and openpyxl wrote', async () => {
    for (const file of ['orchard.xlsx', 'orchard.ods', 'orchard.xls']) {
      const rows = rowsByLine(await extractFile(path.join(fixtures, file))).filter(([row]) => row > 0);
      expect(
        rows.map(([row]) => row),
        file,
      ).toEqual([1, 2, 3, 1, 2]);
    }
  });

  it('places each passage of a long sheet by its first row, not by a line of the extracted text', async () => {
    const rows = [['Item', 'Price', 'Shop']];
    for (let i = 1; i <= 600; i++) rows.push([`Item ${i}`, String(i * 3), `Shop ${i % 7}`]);
    // An empty row every 50: rows and lines part ways.
    const withGaps = rows.flatMap((r, i) => (i > 0 && i % 50 === 0 ? [[null, null, null], r] : [r]));
    const doc = await extractFile(
      tempDir().write('stock.xlsx', makeXlsx([{ name: 'Stock', rows: withGaps as (string | null)[][] }])),
    );
    const chunks = chunkDocument(doc, { targetChars: 800 });
    expect(chunks.length).toBeGreaterThan(10);
    const rowOf = new Map<string, number>();
    withGaps.forEach((r, i) => {
      if (r[0] !== null) rowOf.set(r[0], i + 1);
    });
    // The first starts with the sheet's name and its header row, row 1.
    expect(chunks[0].line).toBe(1);
    for (const c of chunks.slice(1)) {
      const firstItem = /^Item: (Item \d+)/.exec(c.text)![1];
      expect(c.line, c.text.slice(0, 40)).toBe(rowOf.get(firstItem));
    }
    expect(chunks.at(-1)!.line).toBeGreaterThan(600); // past the text's line count without the gaps' rows
  });
});
