import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { documentTypeOf } from '../../main/engine/ingest/fileTypes.js';
import { makeXls, type XlsSheet } from '../../scripts/documentWriters/xlsWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';

const tempDir = useTempDir();

const SHEETS: XlsSheet[] = [
  {
    name: 'Purchases',
    rows: [
      ['Item', 'Price', 'Bought', 'Paid'],
      ['Tent', 120, { day: 46025 }, true],
      ['Stove', 45.5, { day: 46026.75, format: 'custom' }, false],
      ['Total', { formula: 165.5 }, null, { formula: 'partly' }],
    ],
  },
  { name: 'Chart1', rows: [], chart: true },
  { name: '数量', rows: [[3, 4, 5, '件']] },
];

describe('extractFile: Excel 97–2003 (.xls)', () => {
  it('reads each worksheet as XLSX: rows named by the header row, dates, formulas by their results', async () => {
    const file = tempDir().write('camp.xls', makeXls(SHEETS));
    expect(documentTypeOf(file)).toBe('xls');
    const doc = await extractFile(file);
    expect(doc).toMatchObject({ type: 'xls', title: 'camp', encoding: null, pages: [], warnings: [] });
    expect(doc.text).toBe(
      [
        'Purchases',
        '',
        'Item | Price | Bought | Paid',
        'Item: Tent | Price: 120 | Bought: 2026-01-03 | Paid: TRUE',
        'Item: Stove | Price: 45.5 | Bought: 2026-01-04 18:00 | Paid: FALSE',
        'Item: Total | Price: 165.5 | Paid: partly',
        '',
        '数量',
        '',
        '3 | 4 | 5 | 件',
      ].join('\n'),
    );
    expect(doc.headings.map((h) => h.text)).toEqual(['Purchases', '数量']);
  });

  it('reads shared strings split across CONTINUE records, and the 1904 date system', async () => {
    const long = 'A tent for four people, with a porch for the packs and a groundsheet: 野营帐篷。';
    const plain = 'A stove that burns gas from the usual screw-on cartridges, with a windshield.';
    const doc = await extractFile(
      tempDir().write(
        'split.xls',
        makeXls(
          [
            {
              name: 'Notes',
              rows: [
                ['Note', 'When'],
                [long, { day: 0 }],
                [plain, { day: 1 }],
              ],
            },
          ],
          {
            sstRecordBytes: 40,
            date1904: true,
          },
        ),
      ),
    );
    expect(doc.text).toBe(
      `Notes\n\nNote | When\nNote: ${long} | When: 1904-01-01\nNote: ${plain} | When: 1904-01-02`,
    );
  });

  it('reads a sheet the workbook lists again and again once', async () => {
    const doc = await extractFile(tempDir().write('repeated.xls', makeXls(SHEETS, { listRepeats: 1000 })));
    expect(doc.headings.map((h) => h.text)).toEqual(['Purchases', '数量']);
  });

  it('reads a .xls renamed to .xlsx', async () => {
    const doc = await extractFile(tempDir().write('renamed.xlsx', makeXls(SHEETS)));
    expect(doc.type).toBe('xlsx');
    expect(doc.text).toContain('Item: Tent | Price: 120');
  });

  it('refuses an encrypted, an Excel 95, another OLE file, a damaged and an empty workbook, with a reason', async () => {
    const dir = tempDir();
    const locked = dir.write('locked.xls', makeXls(SHEETS, { encrypted: true }));
    await expectFailure(extractFile(locked), 'encrypted', /^password-protected XLS$/, locked);
    const old = dir.write('old.xls', makeXls(SHEETS, { streamName: 'Book' }));
    await expectFailure(
      extractFile(old),
      'invalid-xls',
      /^an Excel 5\.0\/95 workbook \(not read; save it as \.xlsx\)$/,
      old,
    );
    const good = makeXls(SHEETS);
    const damaged = /^not a valid Excel 97–2003 workbook \(damaged\?\)$/;
    for (const [name, bytes] of [
      ['cut.xls', good.subarray(0, 1200)],
      ['text.xls', Buffer.from('Item,Price\nTent,120\n')],
    ] as const) {
      const file = dir.write(name, bytes);
      await expectFailure(extractFile(file), 'invalid-xls', damaged, file);
    }
    const empty = dir.write('empty.xls', '');
    await expectFailure(extractFile(empty), 'empty', /^empty file$/, empty);
  });
});
