import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { documentTypeOf } from '../../main/engine/ingest/fileTypes.js';

const FIXTURES = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'written-by-other-tools',
);

describe('documents written by pandoc, LibreOffice, openpyxl and odfpy', () => {
  for (const ext of ['docx', 'epub', 'pptx', 'odt']) {
    it(`reads ${ext} as pandoc writes it: title, sections, list, table and Chinese text`, async () => {
      const doc = await extractFile(path.join(FIXTURES, `orchard.${ext}`));
      expect(doc.title).toBe('The Home Orchard');
      expect(doc.headings.map((h) => h.text)).toEqual(
        expect.arrayContaining(['Planting', 'Pruning', '采摘']),
      );
      for (const h of doc.headings) expect(doc.text.slice(h.start, h.end)).toBe(h.text);
      expect(doc.text).toContain(
        'Dig the hole twice as wide as the roots.\nKeep the graft union above the soil.',
      );
      // A table row stays one line, whatever holds its cells' text (Word: a paragraph in each).
      expect(doc.text).toMatch(/^Apple[ |]+February[ |]+150 kg$/m);
      expect(doc.text).toContain('苹果在九月成熟，轻轻一拧就能摘下。');
      const chunks = chunkDocument(doc, { targetChars: 200 });
      expect(chunks.find((c) => c.text.includes('late winter'))!.headingPath.at(-1)).toBe('Pruning');
      expect(chunks.find((c) => c.text.includes('九月成熟'))!.headingPath.at(-1)).toBe('采摘');
    });
  }

  // The binary and RTF formats keep each list item a paragraph of its own.
  for (const [ext, headings] of [
    [
      'doc',
      [
        [1, 'The Home Orchard'],
        [2, 'Planting'],
        [2, 'Pruning'],
        [2, '采摘'],
      ],
    ],
    [
      'rtf',
      [
        [1, 'Planting'],
        [1, 'Pruning'],
        [1, '采摘'],
      ],
    ],
  ] as const)
    it(`reads ${ext} as LibreOffice writes it: title, sections, table and Chinese text`, async () => {
      const file = path.join(FIXTURES, `orchard.${ext}`);
      expect(documentTypeOf(file)).toBe(ext);
      const doc = await extractFile(file);
      expect(doc).toMatchObject({
        type: ext,
        title: 'The Home Orchard',
        encoding: null,
        pages: [],
        warnings: [],
      });
      expect(doc.headings.map((h) => [h.level, h.text, doc.text.slice(h.start, h.end)])).toEqual(
        headings.map(([level, text]) => [level, text, text]),
      );
      expect(doc.text).toContain(
        'Dig the hole twice as wide as the roots.\n\nKeep the graft union above the soil.',
      );
      expect(doc.text).toContain(
        'Tree | Prune in | Yield per tree\nApple | February | 150 kg\nPear | March | 90 kg',
      );
      expect(doc.text).toContain('苹果在九月成熟，轻轻一拧就能摘下。');
      const chunks = chunkDocument(doc, { targetChars: 200 });
      expect(chunks.find((c) => c.text.includes('late winter'))!.headingPath.at(-1)).toBe('Pruning');
      expect(chunks.find((c) => c.text.includes('九月成熟'))!.headingPath.at(-1)).toBe('采摘');
    });

  it('reads ppt as LibreOffice writes it from that odp: slides in order, notes, no slide numbers', async () => {
    const doc = await extractFile(path.join(FIXTURES, 'orchard.ppt'));
    expect(doc).toMatchObject({ type: 'ppt', title: 'The Home Orchard' });
    expect(doc.headings.map((h) => h.text)).toEqual(['Planting', 'Pruning', '采摘']);
    expect(doc.pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(doc.text).toContain(
      'Prune in late winter, before the buds swell.\n\nShow the saw before the ladder.',
    );
    expect(doc.text).not.toMatch(/^\d$/m);
  });

  it('reads odp as odfpy writes it: slides, titles, notes, no slide numbers', async () => {
    const doc = await extractFile(path.join(FIXTURES, 'orchard.odp'));
    expect(doc.title).toBe('The Home Orchard');
    expect(doc.headings.map((h) => h.text)).toEqual(['Planting', 'Pruning', '采摘']);
    expect(doc.pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(doc.text).toContain(
      'Prune in late winter, before the buds swell.\n\nShow the saw before the ladder.',
    );
    expect(doc.text).not.toMatch(/^\d$/m);
  });

  for (const [ext, writer] of [
    ['xlsx', 'openpyxl'],
    ['ods', 'odfpy'],
    ['xls', 'LibreOffice (from that xlsx)'],
  ])
    it(`reads ${ext} as ${writer} writes it: sheets, header row, dates and times`, async () => {
      const doc = await extractFile(path.join(FIXTURES, `orchard.${ext}`));
      expect(doc.title).toBe('Orchard log');
      expect(doc.headings.map((h) => h.text)).toEqual(['Harvest 2026', '采摘记录']);
      expect(doc.text).toContain(
        'Tree: Apple | Picked on: 2026-09-14 | Kilograms: 148.5 | Note: best year so far',
      );
      expect(doc.text).toContain('Tree: Pear | Picked on: 2026-08-30 16:30 | Kilograms: 91');
      expect(doc.text).toContain('品种: 富士 | 日期: 2026-10-02');
    });
});
