import { describe, expect, it } from 'vitest';
import { extractFile } from '../../main/engine/ingest/extractFile.js';
import { chunkDocument } from '../../main/engine/ingest/chunk.js';
import { documentTypeOf } from '../../main/engine/ingest/fileTypes.js';
import { makeEpub } from '../../scripts/documentWriters/epubWriter.js';
import { useTempDir } from './helpers/tempDir.js';
import { expectFailure } from './helpers/expectFailure.js';
import { expectArchiveRefusals } from './helpers/archiveRefusals.js';

const tempDir = useTempDir();

const BOOK = [
  {
    href: 'text/part one.xhtml',
    body: '<h1>Part One: The Orchard</h1><p>Plant apple trees &amp; pears twenty feet apart.</p>',
  },
  { href: 'text/ch2.xhtml', body: '<h2>Pruning</h2><p>Prune in late winter, before the buds swell.</p>' },
  { href: 'text/ch3.xhtml', body: '<h2>采摘</h2><p>苹果在九月成熟，轻轻一拧就能摘下。</p>' },
];

describe('extractFile: EPUB', () => {
  it('reads the chapters in the order of the spine, with their headings, titled by the package', async () => {
    const dir = tempDir();
    // The spine puts the harvest before pruning; the archive holds the chapters in yet another order.
    const file = dir.write(
      'orchard.epub',
      makeEpub(BOOK, {
        title: 'The Home Orchard',
        spine: ['text/part one.xhtml', 'text/ch3.xhtml', 'text/ch2.xhtml'],
      }),
    );
    expect(documentTypeOf(file)).toBe('epub');
    const doc = await extractFile(file);
    expect(doc).toMatchObject({
      type: 'epub',
      title: 'The Home Orchard',
      encoding: null,
      pages: [],
      warnings: [],
    });
    expect(doc.text).toBe(
      'Part One: The Orchard\n\nPlant apple trees & pears twenty feet apart.\n\n' +
        '采摘\n\n苹果在九月成熟，轻轻一拧就能摘下。\n\n' +
        'Pruning\n\nPrune in late winter, before the buds swell.',
    );
    expect(doc.headings.map((h) => [h.level, h.text, doc.text.slice(h.start, h.end)])).toEqual([
      [1, 'Part One: The Orchard', 'Part One: The Orchard'],
      [2, '采摘', '采摘'],
      [2, 'Pruning', 'Pruning'],
    ]);
    const chunks = chunkDocument(doc, { targetChars: 60 });
    expect(chunks.find((c) => c.text.includes('late winter'))!.headingPath).toEqual([
      'Part One: The Orchard',
      'Pruning',
    ]);
  });

  it('titles a book without dc:title by its first heading, reads a package at the archive root, and says what is missing', async () => {
    const dir = tempDir();
    const untitled = dir.write('untitled.epub', makeEpub(BOOK.slice(0, 2), { title: null, folder: '' }));
    expect((await extractFile(untitled)).title).toBe('Part One: The Orchard');
    // A chapter the spine lists but the archive lacks: the rest is read, with a warning.
    const gap = dir.write('gap.epub', makeEpub(BOOK, { missing: ['text/ch2.xhtml'] }));
    const doc = await extractFile(gap);
    expect(doc.text).not.toContain('Pruning');
    expect(doc.text).toContain('苹果');
    expect(doc.warnings).toEqual(['1 of 3 chapters are missing from the archive or not text']);
    // A spine that lists one chapter again and again gives its text once.
    const again = 'text/ch2.xhtml';
    const loop = dir.write('loop.epub', makeEpub(BOOK, { spine: [again, again, again] }));
    expect((await extractFile(loop)).text).toBe('Pruning\n\nPrune in late winter, before the buds swell.');
  });

  it('refuses DRM-protected, damaged, non-EPUB and empty books with a reason, and decompression bombs before inflating', async () => {
    const dir = tempDir();
    const drm = dir.write('drm.epub', makeEpub(BOOK, { encrypted: ['OEBPS/text/ch2.xhtml'] }));
    await expectFailure(extractFile(drm), 'encrypted', /^DRM-protected EPUB/, drm);
    // Fonts obfuscated by the publisher are not chapters: the book is read.
    const fonts = dir.write('fonts.epub', makeEpub(BOOK, { encrypted: ['OEBPS/fonts/serif.otf'] }));
    expect((await extractFile(fonts)).text).toContain('late winter');
    await expectArchiveRefusals(dir, {
      ext: 'epub',
      name: 'EPUB',
      failure: 'invalid-epub',
      whole: makeEpub(BOOK),
      empty: makeEpub([{ href: 'blank.xhtml', body: '<p> </p>' }]),
      withPart: (entry) => makeEpub(BOOK, { extra: { 'OEBPS/text/ch2.xhtml': entry } }),
      part: 'OEBPS/text/ch2.xhtml',
    });
  });
});
