import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { makePdf } from '../../scripts/documentWriters/pdfWriter.js';
import { makeDocx } from '../../scripts/documentWriters/docxWriter.js';
import { makeZip } from '../../scripts/documentWriters/zipWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';
import { spawnWorker } from '../../main/engine/workers/spawnWorker.js';

const tempDir = useTempDir();

const REPORT_PAGES = [
  {
    lines: [
      'Quarterly Report',
      '',
      'Revenue grew by 12 percent.',
      'Costs stayed flat.',
      '',
      'Outlook is stable.',
    ],
  },
  { lines: ['年度总结：本季度收入增长百分之十二。', '成本保持不变。'] },
  { lines: [] },
  { lines: ['Appendix: mixed 中文 and English.'] },
];

describe('extractFile: PDF', () => {
  it('extracts text page by page with page offsets, paragraphs and CJK (via cMaps)', async () => {
    const dir = tempDir();
    const file = dir.write('report.pdf', makePdf(REPORT_PAGES, { title: '季度报告 Q3' }));
    const doc = await extractFile(file);
    expect(doc.type).toBe('pdf');
    expect(doc.encoding).toBeNull();
    expect(doc.title).toBe('季度报告 Q3');
    const pageTexts = doc.pages.map((p) => doc.text.slice(p.start, p.end));
    expect(pageTexts).toEqual([
      'Quarterly Report\n\nRevenue grew by 12 percent.\nCosts stayed flat.\n\nOutlook is stable.',
      '年度总结：本季度收入增长百分之十二。\n成本保持不变。',
      '',
      'Appendix: mixed 中文 and English.',
    ]);
    expect(doc.pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
    expect(doc.text).toBe(pageTexts.filter((t) => t !== '').join('\n\n'));
    expect(doc.warnings).toEqual(['1 of 4 pages have no text (scanned images?)']);
  });

  it('takes headings from the outline, each on the line it points to, and cuts passages there', async () => {
    const dir = tempDir();
    const lines = (n: number, what: string) =>
      Array.from({ length: n }, (_, i) => `${what} line ${i} says how the cider press is cleaned.`);
    const pages = [
      // "Cleaning" in a sentence above the heading: the heading is the line the bookmark points to.
      {
        lines: [
          'Cider Press Manual',
          '',
          'Read Cleaning before you start.',
          '',
          '1 Cleaning',
          '',
          ...lines(8, 'Rinse'),
          '',
          '1',
        ],
      },
      // A running head on this page alone ("Chapter 1: Cleaning"), then page numbers at the foot
      // and "Cider Press Manual 3", "… 4" at the head of the next pages, which repeat.
      {
        lines: [
          'Chapter 1: Cleaning',
          '',
          '1.1 Non-stop rinse',
          ...lines(6, 'Daily'),
          '',
          '1.2 Deep-clean',
          '',
          '2',
        ],
      },
      {
        lines: [
          'Cider Press Manual 3',
          '',
          ...lines(6, 'Deep'),
          '',
          'Storage',
          ...lines(3, 'Store'),
          '',
          '3',
        ],
      },
      {
        lines: [
          'Cider Press Manual 4',
          '',
          '第二章 储存',
          '',
          '压榨机放在北边的谷仓里。',
          '每次用完都要擦干，再盖上布，免得落灰。',
          '冬天要把压榨机搬进屋里，防止木头开裂。',
          '',
          '4',
        ],
        // Each character its own text item, spaced out: the page reads "第 二 章 储 存".
        spacedOut: [2],
      },
    ];
    const outline = [
      {
        title: '1 Cleaning',
        page: 0,
        line: 4,
        children: [
          // The page adds or leaves out a hyphen the bookmark has not or has.
          { title: 'Nonstop rinse', page: 1, line: 2 },
          { title: 'Deep clean', page: 1, line: 10 },
        ],
      },
      // Written otherwise on its page ("Storage"): no heading rather than a wrong one.
      { title: 'Storing the press', page: 2, line: 9 },
      { title: '第二章 储存', page: 3, line: 2 },
    ];
    const doc = await extractFile(dir.write('press.pdf', makePdf(pages, { outline })));
    expect(doc.headings.map((h) => [h.level, h.text, doc.text.slice(h.start, h.end)])).toEqual([
      [1, '1 Cleaning', '1 Cleaning'],
      [2, 'Nonstop rinse', '1.1 Non-stop rinse'],
      [2, 'Deep clean', '1.2 Deep-clean'],
      [1, '第二章 储存', '第 二 章 储 存'],
    ]);
    // Running heads and feet that repeat stay on the first page they are on only; the title
    // page's first line is not one of them.
    const pageTexts = doc.pages.map((p) => doc.text.slice(p.start, p.end));
    expect(pageTexts.map((t) => t.split('\n')[0])).toEqual([
      'Cider Press Manual',
      'Chapter 1: Cleaning',
      'Cider Press Manual 3',
      '第 二 章 储 存',
    ]);
    expect(pageTexts.map((t) => t.split('\n').at(-1))).toEqual([
      '1',
      '1.2 Deep-clean',
      'Store line 2 says how the cider press is cleaned.',
      '冬天要把压榨机搬进屋里，防止木头开裂。',
    ]);
    const chunks = chunkDocument(doc, { targetChars: 200 });
    const sectionOf = (text: string) => chunks.find((c) => c.text.includes(text))!;
    expect(sectionOf('Read Cleaning').headingPath).toEqual([]);
    expect(sectionOf('Rinse line 0').headingPath).toEqual(['1 Cleaning']);
    // The running head of page 2 alone goes with the page's first heading, not on its own.
    expect(sectionOf('Chapter 1: Cleaning')).toMatchObject({
      headingPath: ['1 Cleaning', 'Nonstop rinse'],
      page: 2,
    });
    expect(sectionOf('Chapter 1: Cleaning').text).toContain('1.1 Non-stop rinse');
    // A heading alone at the bottom of a page stays with the text above it; the next page is under it.
    expect(sectionOf('1.2 Deep-clean')).toMatchObject({
      headingPath: ['1 Cleaning', 'Nonstop rinse'],
      page: 2,
    });
    expect(sectionOf('1.2 Deep-clean').text).not.toBe('1.2 Deep-clean');
    expect(sectionOf('Deep line 0')).toMatchObject({ headingPath: ['1 Cleaning', 'Deep clean'], page: 3 });
    for (const c of chunks) expect(c.text.length).toBeGreaterThan(40);
  });

  it('titles a PDF without metadata by its first line', async () => {
    const dir = tempDir();
    const doc = await extractFile(
      dir.write('untitled.pdf', makePdf([{ lines: ['Travel Checklist', '', 'Passport'] }])),
    );
    expect(doc.title).toBe('Travel Checklist');
  });

  it('fails password-protected, corrupt, truncated, fake and text-less PDFs with a reason', async () => {
    const dir = tempDir();
    const pdf = makePdf(REPORT_PAGES);
    const locked = dir.write('locked.pdf', makePdf(REPORT_PAGES, { encrypted: true }));
    await expectFailure(extractFile(locked), 'encrypted', /^password-protected PDF$/, locked);
    const corrupt = dir.write(
      'corrupt.pdf',
      Buffer.concat([
        Buffer.from('%PDF-1.4\n'),
        Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 31) % 256)),
      ]),
    );
    await expectFailure(extractFile(corrupt), 'invalid-pdf', /^not a valid PDF/, corrupt);
    const truncated = dir.write('truncated.pdf', pdf.subarray(0, Math.floor(pdf.length / 2)));
    await expectFailure(extractFile(truncated), 'invalid-pdf', /^not a valid PDF/, truncated);
    const fake = dir.write('fake.pdf', 'just some text saved with the wrong extension');
    await expectFailure(extractFile(fake), 'invalid-pdf', /^not a valid PDF/, fake);
    const scanned = dir.write('scanned.pdf', makePdf([{ lines: [] }, { lines: [] }]));
    await expectFailure(extractFile(scanned), 'no-text', /^no text in this PDF/, scanned);
  });
});

describe('extractFile: DOCX', () => {
  it('extracts paragraphs and headings (Title and Heading styles) and titles by the first heading', async () => {
    const dir = tempDir();
    const file = dir.write(
      'handbook.docx',
      makeDocx([
        { text: 'Company Handbook', style: 'Title' },
        { text: 'Annual leave', style: 'Heading1' },
        { text: 'Staff get 20 days of paid leave & 5 sick days.' },
        { text: '年假', style: 'Heading2' },
        { text: '员工每年享有二十天带薪年假。' },
      ]),
    );
    const doc = await extractFile(file);
    expect(doc).toMatchObject({ type: 'docx', title: 'Company Handbook', encoding: null, pages: [] });
    expect(doc.text).toBe(
      'Company Handbook\n\nAnnual leave\n\nStaff get 20 days of paid leave & 5 sick days.\n\n年假\n\n员工每年享有二十天带薪年假。',
    );
    expect(doc.headings.map((h) => [h.level, h.text, doc.text.slice(h.start, h.end)])).toEqual([
      [1, 'Company Handbook', 'Company Handbook'],
      [1, 'Annual leave', 'Annual leave'],
      [2, '年假', '年假'],
    ]);
  });

  it('titles a DOCX without headings by its file name', async () => {
    const dir = tempDir();
    expect((await extractFile(dir.write('memo.docx', makeDocx([{ text: 'Just a paragraph.' }])))).title).toBe(
      'memo',
    );
  });

  it('fails corrupt, truncated, non-Word, encrypted and empty DOCX files with a reason', async () => {
    const dir = tempDir();
    const docx = makeDocx([{ text: 'Hello', style: 'Heading1' }, { text: 'World' }]);
    const corrupt = dir.write(
      'corrupt.docx',
      Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 31) % 256)),
    );
    await expectFailure(
      extractFile(corrupt),
      'invalid-docx',
      /^not a valid DOCX \(not a ZIP archive\)$/,
      corrupt,
    );
    const truncated = dir.write('truncated.docx', docx.subarray(0, Math.floor(docx.length * 0.6)));
    await expectFailure(extractFile(truncated), 'invalid-docx', /^not a valid DOCX/, truncated);
    const otherZip = dir.write('photos.docx', makeZip({ 'a.txt': 'not word' }));
    await expectFailure(extractFile(otherZip), 'invalid-docx', /^not a valid DOCX/, otherZip);
    const ole = dir.write(
      'locked.docx',
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
    );
    await expectFailure(extractFile(ole), 'encrypted', /^password-protected DOCX/, ole);
    const empty = dir.write('empty.docx', makeDocx([]));
    await expectFailure(extractFile(empty), 'no-text', /^no text/, empty);
  });
});

describe('extractFile in a worker thread', () => {
  it('reads a CJK PDF there too (pdf.js runs on the calling thread, cMaps from disk)', async () => {
    const dir = tempDir();
    const file = dir.write(
      'in-worker.pdf',
      makePdf([{ lines: ['第一页：保修两年。'] }, { lines: ['Page two.'] }], { title: 'Worker test' }),
    );
    const worker = spawnWorker(import.meta.url, 'extract');
    try {
      const reply = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(file);
      });
      expect(reply).toEqual({
        title: 'Worker test',
        chunks: [
          [1, '第一页：保修两年。'],
          [2, 'Page two.'],
        ],
      });
    } finally {
      await worker.terminate();
    }
  });
});
