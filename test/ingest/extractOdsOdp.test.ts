import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { documentTypeOf } from '../../main/engine/ingest/fileTypes.js';
import { makeOdt } from '../../scripts/documentWriters/odtWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';
import { expectArchiveRefusals } from './helpers/archiveRefusals.js';

const tempDir = useTempDir();

const cell = (text: string, attrs = 'office:value-type="string"') =>
  `<table:table-cell ${attrs}><text:p>${text}</text:p></table:table-cell>`;
const SHEETS = [
  '<table:table table:name="Gear">',
  `<table:table-row>${cell('Item')}${cell('Price')}${cell('Bought')}</table:table-row>`,
  `<table:table-row>${cell('Tent')}${cell('120,00 €', 'office:value-type="currency" office:value="120"')}${cell('14/09/26', 'office:value-type="date" office:date-value="2026-09-14"')}</table:table-row>`,
  // An empty cell repeated, then a value: it stays under its own header.
  `<table:table-row>${cell('Stove')}<table:table-cell table:number-columns-repeated="2"/></table:table-row>`,
  // A row that says it repeats a million times is written out a bounded number of times.
  `<table:table-row table:number-rows-repeated="1000000">${cell('Peg')}${cell('0,10 €', 'office:value-type="currency" office:value="0.1"')}</table:table-row>`,
  '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>',
  '</table:table>',
  '<table:table table:name="Empty"><table:table-row><table:table-cell/></table:table-row></table:table>',
  `<table:table table:name="备注"><table:table-row>${cell('帐篷在三号仓库<office:annotation><text:p>批注</text:p></office:annotation>')}</table:table-row></table:table>`,
].join('');

const frame = (cls: string, lines: string[]) =>
  `<draw:frame presentation:class="${cls}"><draw:text-box>${lines.map((l) => `<text:p>${l}</text:p>`).join('')}</draw:text-box></draw:frame>`;
const SLIDES = [
  `<draw:page draw:name="p1">${frame('page-number', ['1'])}${frame('title', ['Costs'])}${frame('outline', ['Freight rose by 8 percent', 'Rent is unchanged'])}<presentation:notes><draw:page-thumbnail/>${frame('notes', ['Mention the new lease.'])}</presentation:notes></draw:page>`,
  `<draw:page draw:name="p2">${frame('footer', ['Company confidential'])}${frame('outline', ['Questions?'])}</draw:page>`,
  `<draw:page draw:name="p3">${frame('title', ['区域销售'])}${frame('outline', ['华东 420 万元'])}</draw:page>`,
].join('');

describe('extractFile: ODS', () => {
  it('reads every sheet under its name, cells named by a header row, what the sheet shows and dates as ISO', async () => {
    const dir = tempDir();
    const file = dir.write('gear.ods', makeOdt(SHEETS, { kind: 'spreadsheet', title: 'Club gear' }));
    expect(documentTypeOf(file)).toBe('ods');
    const doc = await extractFile(file);
    expect(doc).toMatchObject({ type: 'ods', title: 'Club gear', pages: [] });
    const lines = doc.text.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Gear',
      '',
      'Item | Price | Bought',
      'Item: Tent | Price: 120,00 € | Bought: 2026-09-14',
      'Item: Stove',
    ]);
    expect(lines.filter((l) => l === 'Item: Peg | Price: 0,10 €')).toHaveLength(100);
    expect(doc.text.endsWith('备注\n\n帐篷在三号仓库')).toBe(true);
    expect(doc.headings.map((h) => h.text)).toEqual(['Gear', '备注']);
    for (const c of chunkDocument(doc))
      expect(c.text.includes('Peg') ? c.headingPath : ['Gear']).toEqual(['Gear']);
  });
});

describe('extractFile: ODP', () => {
  it('reads slides in order, each a page, titles as headings, notes after their slide, without numbers and footers', async () => {
    const dir = tempDir();
    const file = dir.write('review.odp', makeOdt(SLIDES, { kind: 'presentation', title: null }));
    expect(documentTypeOf(file)).toBe('odp');
    const doc = await extractFile(file);
    expect(doc).toMatchObject({ type: 'odp', title: 'Costs' });
    expect(doc.text).toBe(
      'Costs\n\nFreight rose by 8 percent\nRent is unchanged\n\nMention the new lease.\n\nQuestions?\n\n区域销售\n\n华东 420 万元',
    );
    expect(doc.pages.map((p) => [p.page, doc.text.slice(p.start, p.end).split('\n')[0]])).toEqual([
      [1, 'Costs'],
      [2, 'Questions?'],
      [3, '区域销售'],
    ]);
    expect(doc.headings.map((h) => [h.text, doc.text.slice(h.start, h.end)])).toEqual([
      ['Costs', 'Costs'],
      ['区域销售', '区域销售'],
    ]);
  });
});

describe('extractFile: ODS and ODP refusals', () => {
  for (const [kind, ext, body] of [
    ['spreadsheet', 'ods', SHEETS],
    ['presentation', 'odp', SLIDES],
  ] as const) {
    it(`refuses password-protected, damaged, non-ZIP and empty ${ext} files with a reason, and decompression bombs`, async () => {
      const dir = tempDir();
      const NAME = ext.toUpperCase();
      const failure = `invalid-${ext}` as const;
      const locked = dir.write(`locked.${ext}`, makeOdt(body, { kind, encrypted: true }));
      await expectFailure(
        extractFile(locked),
        'encrypted',
        new RegExp(`^password-protected ${NAME}$`),
        locked,
      );
      await expectArchiveRefusals(dir, {
        ext,
        name: NAME,
        failure,
        whole: makeOdt(body, { kind }),
        empty: makeOdt('', { kind }),
        withPart: (entry) => makeOdt(body, { kind, extra: { 'content.xml': entry } }),
        part: 'content.xml',
      });
    });
  }
});
