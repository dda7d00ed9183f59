import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { documentTypeOf } from '../../main/engine/ingest/fileTypes.js';
import { makePptx, type PptxSlide } from '../../scripts/documentWriters/pptxWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';
import { expectArchiveRefusals } from './helpers/archiveRefusals.js';

const tempDir = useTempDir();

const DECK: PptxSlide[] = [
  { title: 'Quarterly review', body: ['Sales & service, Q3'], number: '1' },
  {
    title: 'Costs',
    body: ['Freight rose by 8 percent', 'Office rent is unchanged'],
    number: '2',
    notes: ['Mention the new warehouse lease in Ningbo.'],
  },
  {
    title: '区域销售',
    table: [
      ['区域', '销售额'],
      ['华东', '420 万元'],
    ],
    number: '3',
  },
  { body: ['Questions?'], number: '4', alternate: 'Thank you' },
];

describe('extractFile: PPTX', () => {
  it('reads the slides in the presentation order, titles as headings, tables and notes, each slide a page', async () => {
    const dir = tempDir();
    // File slide3.xml is shown second: the presentation's list decides, not the file names.
    const file = dir.write('review.pptx', makePptx(DECK, { title: 'Q3 review', order: [1, 3, 2, 4] }));
    expect(documentTypeOf(file)).toBe('pptx');
    const doc = await extractFile(file);
    expect(doc).toMatchObject({ type: 'pptx', title: 'Q3 review', encoding: null, warnings: [] });
    // Slide numbers are left out; the notes follow their slide.
    expect(doc.text).toBe(
      'Quarterly review\n\nSales & service, Q3\n\n' +
        '区域销售\n\n区域 | 销售额\n华东 | 420 万元\n\n' +
        'Costs\n\nFreight rose by 8 percent\nOffice rent is unchanged\n\nMention the new warehouse lease in Ningbo.\n\n' +
        'Questions?\n\nThank you',
    );
    expect(doc.headings.map((h) => [h.level, h.text, doc.text.slice(h.start, h.end)])).toEqual([
      [1, 'Quarterly review', 'Quarterly review'],
      [1, '区域销售', '区域销售'],
      [1, 'Costs', 'Costs'],
    ]);
    // Pages are slides in the order shown, numbered as shown.
    expect(doc.pages.map((p) => [p.page, doc.text.slice(p.start, p.end).split('\n')[0]])).toEqual([
      [1, 'Quarterly review'],
      [2, '区域销售'],
      [3, 'Costs'],
      [4, 'Questions?'],
    ]);
    const chunks = chunkDocument(doc);
    expect(chunks.find((c) => c.text.includes('warehouse'))).toMatchObject({
      page: 3,
      headingPath: ['Costs'],
    });
    for (const c of chunks) expect(c.text).not.toMatch(/Costs[\s\S]*区域|Q3\n\n区域/);
  });

  it('titles a deck without properties by its first slide title, and says which slides are missing', async () => {
    const dir = tempDir();
    const untitled = dir.write('untitled.pptx', makePptx(DECK, { title: null }));
    expect((await extractFile(untitled)).title).toBe('Quarterly review');
    const gap = dir.write('gap.pptx', makePptx(DECK, { missing: [2] }));
    const doc = await extractFile(gap);
    expect(doc.text).not.toContain('Freight');
    expect(doc.warnings).toEqual(['1 of 4 slides are missing from the archive']);
    // A presentation that lists one slide again and again gives its text once.
    const loop = dir.write('loop.pptx', makePptx(DECK, { order: [4, 4, 4] }));
    expect((await extractFile(loop)).text).toBe('Questions?\n\nThank you');
  });

  it('refuses password-protected, damaged, non-PowerPoint and empty decks with a reason, and decompression bombs', async () => {
    const dir = tempDir();
    const ole = dir.write(
      'locked.pptx',
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
    );
    await expectFailure(extractFile(ole), 'encrypted', /^password-protected PPTX/, ole);
    await expectArchiveRefusals(dir, {
      ext: 'pptx',
      name: 'PPTX',
      failure: 'invalid-pptx',
      whole: makePptx(DECK),
      empty: makePptx([{ number: '1' }]),
      withPart: (entry) => makePptx(DECK, { extra: { 'ppt/slides/slide2.xml': entry } }),
      part: 'ppt/slides/slide2.xml',
    });
  });
});
