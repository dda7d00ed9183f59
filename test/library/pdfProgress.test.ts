import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library, type IngestProgress } from '../../main/engine/library/index.js';
import { makePdf, type PdfPage } from '../../scripts/documentWriters/pdfWriter.js';
import { tempDir, writeTestPack } from './helpers.js';

const PAGES = 300;
const tmp = tempDir('docqa-pdf-progress-');
let lib: Library;

/** A page of its own words (page number in each line), a few paragraphs of ordinary prose. */
function page(n: number): PdfPage {
  const lines: string[] = [];
  for (let para = 0; para < 4; para++) {
    for (let line = 0; line < 3; line++)
      lines.push(`Page ${n} paragraph ${para} line ${line}: the pump needs a new seal every spring.`);
    lines.push('');
  }
  return { lines };
}

beforeAll(async () => {
  const pack = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 16 });
  tmp.file('docs/big.pdf', makePdf(Array.from({ length: PAGES }, (_, i) => page(i + 1))));
  tmp.file('docs/note.txt', 'A small note about the garden hose.\n');
  lib = await Library.open({ dbPath: path.join(tmp.dir, 'lib.sqlite'), packDir: pack, provider: 'cpu' });
  // Short passages: the PDF makes more of them than one embedding step takes.
  await lib.updateSettings({ chunkTargetChars: 200, chunkOverlapChars: 0 });
  await lib.addFolder(path.join(tmp.dir, 'docs'));
});

afterAll(async () => {
  await lib?.close();
  tmp.cleanup();
});

describe('progress inside one large PDF', () => {
  it('reports its pages as they are read and its passages as they are embedded', async () => {
    const progress: IngestProgress[] = [];
    const summary = await lib.ingest({ onProgress: (p) => progress.push(structuredClone(p)) });
    expect(summary).toMatchObject({ phase: 'done', filesAdded: 2, filesFailed: 0 });
    expect(summary).toMatchObject({ pagesRead: null, passagesEmbedded: null });

    // Reading: the pages of big.pdf move from the first steps to the last, in order, while it is the current file.
    const reading = progress.filter((p) => p.pagesRead !== null);
    expect(reading.every((p) => p.currentFile === 'big.pdf' && p.pagesRead!.total === PAGES)).toBe(true);
    const pages = reading.map((p) => p.pagesRead!.done);
    expect(pages.filter((n) => n > 0 && n < PAGES).length).toBeGreaterThanOrEqual(10);
    expect(pages).toContain(PAGES);
    for (let i = 1; i < pages.length; i++) expect(pages[i]).toBeGreaterThanOrEqual(pages[i - 1]!);

    // Embedding: its passages, counted for that file, before it is written.
    const { chunks } = summary;
    expect(chunks).toBeGreaterThan(1000);
    const embedding = progress.filter((p) => p.passagesEmbedded !== null);
    expect(embedding.every((p) => p.passagesEmbedded!.file === 'big.pdf')).toBe(true);
    const total = embedding[0]!.passagesEmbedded!.total;
    expect(total).toBeGreaterThan(1000);
    const partial = embedding.filter((p) => p.passagesEmbedded!.done < total && p.filesDone < 2);
    expect(partial.length).toBeGreaterThanOrEqual(1);
    const done = embedding.map((p) => p.passagesEmbedded!.done);
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]!);

    // The text was all read: a word of the last page is found on that page.
    const hit = await lib.ask(`Page ${PAGES} paragraph 3 line 2`, { mode: 'bm25' });
    expect(hit.results.some((r) => r.path === 'big.pdf' && r.page === PAGES)).toBe(true);
  });
});
