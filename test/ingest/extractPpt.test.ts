import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { documentTypeOf } from '../../main/engine/ingest/fileTypes.js';
import { makePpt, type PptSlide } from '../../scripts/documentWriters/pptWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';

const tempDir = useTempDir();

const SLIDES: PptSlide[] = [
  {
    title: 'Q3 review',
    boxes: [{ text: 'Sales rose in the north.\nCosts fell.' }, { text: '1' }],
    notes: 'Mention the new warehouse.',
  },
  { title: '下一步', boxes: [{ type: 1, text: '扩大仓库。' }, { text: '2' }] },
];

describe('extractFile: PowerPoint 97–2003 (.ppt)', () => {
  it('reads each slide as a page: its title from the slide list, its text boxes, its speaker notes', async () => {
    const file = tempDir().write('review.ppt', makePpt(SLIDES));
    expect(documentTypeOf(file)).toBe('ppt');
    const doc = await extractFile(file);
    expect(doc).toMatchObject({ type: 'ppt', title: 'Q3 review', encoding: null, warnings: [] });
    expect(doc.text).toBe(
      'Q3 review\n\nSales rose in the north.\nCosts fell.\n\nMention the new warehouse.\n\n下一步\n\n扩大仓库。',
    );
    expect(doc.headings.map((h) => [h.level, doc.text.slice(h.start, h.end)])).toEqual([
      [1, 'Q3 review'],
      [1, '下一步'],
    ]);
    expect(doc.pages.map((p) => [p.page, doc.text.slice(p.start, p.end)])).toEqual([
      [1, 'Q3 review\n\nSales rose in the north.\nCosts fell.\n\nMention the new warehouse.'],
      [2, '下一步\n\n扩大仓库。'],
    ]);
    // A passage never spans two slides.
    const chunks = chunkDocument(doc, { targetChars: 400 });
    expect(chunks.map((c) => c.page)).toEqual([1, 2]);
  });

  it('reads a slide where the last save put it, not an older copy a quick save left in the file', async () => {
    const doc = await extractFile(
      tempDir().write(
        'edited.ppt',
        makePpt(SLIDES, { quickSavedFirstSlide: [{ text: 'Sales rose in the south.' }] }),
      ),
    );
    expect(doc.text).toContain('Sales rose in the south.');
    expect(doc.text).not.toContain('north');
    // The slide list's title and the notes page are the same as before the quick save.
    expect(doc.text.startsWith('Q3 review\n\nSales rose in the south.\n\nMention the new warehouse.')).toBe(
      true,
    );
  });

  it('reads a slide the list names again and again once', async () => {
    const doc = await extractFile(tempDir().write('repeated.ppt', makePpt(SLIDES, { listRepeats: 1000 })));
    expect(doc.headings.map((h) => h.text)).toEqual(['Q3 review', '下一步']);
    expect(doc.pages.map((p) => p.page)).toEqual([1, 2]);
  });

  it('reads a .ppt renamed to .pptx', async () => {
    const doc = await extractFile(tempDir().write('renamed.pptx', makePpt(SLIDES)));
    expect(doc).toMatchObject({ type: 'pptx', title: 'Q3 review' });
    expect(doc.pages).toHaveLength(2);
  });

  it('refuses a password-protected deck, another OLE file, a damaged one and an empty one, with a reason', async () => {
    const dir = tempDir();
    const locked = dir.write('locked.ppt', makePpt(SLIDES, { encrypted: true }));
    await expectFailure(extractFile(locked), 'encrypted', /^password-protected PPT$/, locked);
    const lockedX = dir.write('locked.pptx', makePpt(SLIDES, { encrypted: true }));
    await expectFailure(extractFile(lockedX), 'encrypted', /^password-protected PPTX/, lockedX);
    const good = makePpt(SLIDES);
    const damaged = /^not a valid PowerPoint 97–2003 presentation \(damaged\?\)$/;
    for (const [name, bytes] of [
      ['header-only.ppt', Buffer.concat([good.subarray(0, 8), Buffer.alloc(600)])],
      ['cut.ppt', good.subarray(0, 1500)],
      ['notes.ppt', Buffer.from('These are my notes, not a presentation.')],
    ] as const) {
      const file = dir.write(name, bytes);
      await expectFailure(extractFile(file), 'invalid-ppt', damaged, file);
    }
    const empty = dir.write('empty.ppt', '');
    await expectFailure(extractFile(empty), 'empty', /^empty file$/, empty);
  });
});
