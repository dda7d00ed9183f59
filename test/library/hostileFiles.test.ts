import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import type { IngestSummary } from '../../main/engine/library/types.js';
import { openDatabase } from '../../main/engine/store/database.js';
import { markReading } from '../../main/engine/store/extractionMarks.js';
import { bytePath, GBK_REPORT, writeByteNamed } from '../ingest/helpers/byteNames.js';
import { makeDocx, makeDocxWithDocument } from '../../scripts/documentWriters/docxWriter.js';
import { deflatedRepeat } from '../../scripts/documentWriters/zipWriter.js';
import { checkLibraryFile } from './consistency.js';
import { expectUserError, tempDir, writeTestPack } from './helpers.js';

const tmp = tempDir('docqa-hostile-');
const dbPath = path.join(tmp.dir, 'library.sqlite');
// One library for every case (each in a folder of its own): worker threads start once.
let lib: Library;

beforeAll(async () => {
  const packDir = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
  lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
});

afterAll(async () => {
  await lib?.close();
  tmp.cleanup();
});

/** Adds the folder `name` and indexes it alone. */
async function ingestFolder(
  name: string,
): Promise<{ folderId: number; folder: string; summary: IngestSummary }> {
  const folder = path.join(tmp.dir, name);
  const { id: folderId } = await lib.addFolder(folder);
  return { folderId, folder, summary: await lib.ingest({ folderIds: [folderId] }) };
}

async function failedIn(folderId: number): Promise<[string, string][]> {
  return (await lib.failedFiles()).filter((f) => f.folderId === folderId).map((f) => [f.path, f.error]);
}

async function folderState(folderId: number): Promise<string | undefined> {
  return (await lib.listFolders()).find((f) => f.id === folderId)?.state;
}

describe('a file whose name is not UTF-8', () => {
  it('is recorded as failed with the reason, counted in the summary and in status', async (ctx) => {
    tmp.file('gbk-names/good.txt', 'The harbour opens at six in the morning.');
    if (!writeByteNamed(bytePath(path.join(tmp.dir, 'gbk-names'), GBK_REPORT, '.txt'), '季度报告'))
      return ctx.skip('this file system refuses names that are not UTF-8');
    const { folderId, summary } = await ingestFolder('gbk-names');
    expect(summary).toMatchObject({ filesAdded: 1, filesFailed: 1 });
    expect(await failedIn(folderId)).toEqual([
      ['\\xB1\\xA8\\xB8\\xE6.txt', 'file name is not valid UTF-8; rename it'],
    ]);
    const folder = (await lib.status()).folders.find((f) => f.id === folderId);
    expect(folder).toMatchObject({ documents: 1, failed: 1, state: 'ok' });
    // A second run finds it again: still one row, still failed, counted as failed as `status` shows it.
    expect(await lib.ingest({ folderIds: [folderId] })).toMatchObject({ filesFailed: 1 });
    expect((await failedIn(folderId)).length).toBe(1);
    expect(checkLibraryFile(dbPath)).toEqual([]);
  });
});

const MB = 1024 * 1024;

describe('bounds on reading a file', () => {
  it('are settings with defaults and validated ranges', async () => {
    expect(await lib.getSettings()).toMatchObject({
      maxInflatedBytes: 100 * MB,
      maxInflateRatio: 100,
      maxExtractedChars: 256 * MB,
      extractorMemoryMb: 0,
      extractTimeoutSeconds: 600,
    });
    await expectUserError(lib.updateSettings({ maxInflateRatio: 1 }), /maxInflateRatio/);
    await expectUserError(lib.updateSettings({ extractorMemoryMb: 8 }), /extractorMemoryMb/);
    await expectUserError(lib.updateSettings({ maxExtractedChars: 2 ** 40 }), /maxExtractedChars/);
    expect(await lib.updateSettings({ maxInflatedBytes: 50 * MB })).toMatchObject({
      maxInflatedBytes: 50 * MB,
    });
    expect(await lib.updateSettings({ maxInflatedBytes: 100 * MB })).toMatchObject({
      maxInflatedBytes: 100 * MB,
    });
  });
});

describe('a file that would exhaust the reader', () => {
  it('a decompression bomb is recorded as failed with its reason and the files after it are indexed', async () => {
    tmp.file('bombs/a-notes.txt', 'The ferry leaves at noon.');
    tmp.file(
      'bombs/b-report.docx',
      makeDocxWithDocument({ deflated: deflatedRepeat('<w:p/>', 300 * MB), declaredSize: 300 * MB }),
    );
    tmp.file('bombs/c-minutes.docx', makeDocx([{ text: 'The committee approved the lighthouse budget.' }]));
    const { folderId, summary } = await ingestFolder('bombs');
    expect(summary).toMatchObject({ phase: 'done', filesAdded: 2, filesFailed: 1 });
    expect(await failedIn(folderId)).toEqual([
      ['b-report.docx', 'decompression bomb (word/document.xml declares 300.0 MB)'],
    ]);
    expect((await lib.ask('lighthouse budget', { mode: 'bm25' })).results[0].path).toBe('c-minutes.docx');
    expect(await folderState(folderId)).toBe('ok');
    expect(checkLibraryFile(dbPath)).toEqual([]);
  });

  it('a file under which the whole process died twice is recorded as failed instead of read a third time', async () => {
    // DOCX and PDF files are marked while read (their inflated buffers live outside the reader's heap).
    tmp.file('killed/a.docx', makeDocx([{ text: 'Apples are picked in September.' }]));
    tmp.file('killed/b.docx', makeDocx([{ text: 'Bees visit the orchard in April.' }]));
    tmp.file('killed/c.docx', makeDocx([{ text: 'Cider is pressed in October.' }]));
    const folder = path.join(tmp.dir, 'killed');
    const { id: folderId } = await lib.addFolder(folder);
    // What runs killed while reading a file leave behind: the mark written just before it was read.
    const db = openDatabase(dbPath);
    const identity = (rel: string) => {
      const st = statSync(path.join(folder, rel));
      return { folderId, relPath: rel, size: st.size, mtimeMs: st.mtimeMs };
    };
    markReading(db, identity('a.docx'), 0); // one run died under a.docx: it is read again
    markReading(db, identity('b.docx'), 1); // two runs died under b.docx: it is recorded
    db.close();
    expect(await lib.ingest({ folderIds: [folderId] })).toMatchObject({ filesAdded: 2, filesFailed: 1 });
    expect(await failedIn(folderId)).toEqual([
      [
        'b.docx',
        'indexing stopped 2 times while reading this file (out of memory, or a crash); it is skipped until it changes',
      ],
    ]);
    // Every mark is gone once its file has been dealt with.
    const check = openDatabase(dbPath, { readonly: true });
    expect(check.prepare("SELECT count(*) FROM meta WHERE key LIKE 'extracting:%'").pluck().get()).toBe(0);
    check.close();
    // A retry reads it again.
    await lib.retryFailed({ folderIds: [folderId] });
    expect(await failedIn(folderId)).toEqual([]);
    expect(checkLibraryFile(dbPath)).toEqual([]);
  });

  it('an HTML manual with thousands of headings is read in a small heap', async () => {
    // Shaped like Node's all.html (8 MB, ~3,000 headings), which the default heap could not
    // read: each heading's words were a slice of the text so far, keeping a copy of all of it.
    const sections = Array.from(
      { length: 1500 },
      (_, i) =>
        `<h2>fs.readSection${i}Sync()</h2><p>${`Section ${i} reads pears and apples in rows. `.repeat(25)}</p>`,
    );
    tmp.file('manual/all.html', `<html><body>${sections.join('')}</body></html>`);
    await lib.updateSettings({ extractorMemoryMb: 64 });
    const { folderId, summary } = await ingestFolder('manual');
    expect(summary).toMatchObject({ phase: 'done', filesAdded: 1, filesFailed: 0 });
    expect(await failedIn(folderId)).toEqual([]);
    const hit = (await lib.ask('fs.readSection1234Sync()', { mode: 'bm25' })).results[0];
    expect(hit).toMatchObject({ path: 'all.html', headingPath: ['fs.readSection1234Sync()'] });
    await lib.updateSettings({ extractorMemoryMb: 0 });
  });

  // Last: it lowers the reader's heap limit for the library.
  it('a reader that runs out of memory is replaced: the file is recorded and the run goes on', async () => {
    // Legal but big for a 32 MB heap: 16 MB of HTML paragraphs (the default heap reads it).
    tmp.file('heavy/a-intro.md', '# Intro\n\nThe orchard has forty pear trees.');
    tmp.file(
      'heavy/b-big.html',
      `<html><body>${'<p>pears and apples in rows</p>'.repeat(560_000)}</body></html>`,
    );
    tmp.file('heavy/c-outro.txt', 'The cider press is in the north barn.');
    await lib.updateSettings({ extractorMemoryMb: 32 });
    const { folderId, summary } = await ingestFolder('heavy');
    expect(summary).toMatchObject({ phase: 'done', filesAdded: 2, filesFailed: 1 });
    expect(await failedIn(folderId)).toEqual([
      ['b-big.html', 'the extractor ran out of memory reading this file'],
    ]);
    // c-outro.txt came after the death: a new reader thread read it.
    expect((await lib.ask('cider press north barn', { mode: 'bm25' })).results[0].path).toBe('c-outro.txt');
    expect(await folderState(folderId)).toBe('ok');
    expect(checkLibraryFile(dbPath)).toEqual([]);
  });
});
