import { readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../main/engine/library/index.js';
import { openDatabase } from '../../main/engine/store/database.js';
import {
  purgeDeletedConversations,
  restoreConversation,
  RESTORE_WINDOW_MS,
} from '../../main/engine/store/conversations.js';
import { checkLibraryFile } from './consistency.js';
import { decodedText, ENCODED, FAILING, writeMixedCorpus } from './corpus.js';
import { expectUserError, tempDir, writeTestPack } from './helpers.js';

const tmp = tempDir('docqa-library-');
let packDir: string;
let lib: Library;
let docs: string;
let dbPath: string;

function consistency(): string[] {
  return checkLibraryFile(dbPath);
}

function chunkIdsOf(relPath: string): number[] {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return db
      .prepare(
        'SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.rel_path = ? ORDER BY c.id',
      )
      .pluck()
      .all(relPath) as number[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  packDir = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 32 });
  docs = writeMixedCorpus(tmp);
  symlinkSync(docs, path.join(docs, 'loop'), 'dir'); // a link back to the root: must not loop
  dbPath = path.join(tmp.dir, 'lib', 'library.sqlite');
  lib = await Library.open({ dbPath, packDir, provider: 'cpu' });
});

afterAll(async () => {
  await lib?.close();
  tmp.cleanup();
});

describe('indexing a mixed folder', () => {
  it('indexes every supported type and records each failure with its reason', async () => {
    const folder = await lib.addFolder(docs);
    const phases = new Set<string>();
    let ticks = 0;
    let ticksAtFirstIndexing: number | null = null;
    const timer = setInterval(() => ticks++, 5);
    const summary = await lib.ingest({
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase === 'indexing') ticksAtFirstIndexing ??= ticks;
      },
    });
    clearInterval(timer);
    // The calling thread kept running its timers while the worker indexed: some fired
    // between the first indexing progress and the end (an order, not a duration).
    expect(ticksAtFirstIndexing).not.toBeNull();
    expect(ticks - ticksAtFirstIndexing!).toBeGreaterThan(0);

    const okFiles = Object.keys(ENCODED).length + 4; // + html, pdf, docx, pptx
    expect(summary).toMatchObject({
      phase: 'done',
      filesAdded: okFiles,
      // + the link back to the root, which the scan records as failed ("symbolic link loop").
      filesFailed: Object.keys(FAILING).length + 1,
      filesRemoved: 0,
    });
    expect(summary.chunks).toBeGreaterThanOrEqual(okFiles);
    expect([...phases]).toEqual(expect.arrayContaining(['scanning', 'indexing', 'done']));

    const failed = await lib.failedFiles();
    for (const [rel, reason] of Object.entries(FAILING)) {
      const f = failed.find((x) => x.path === rel);
      expect(f, rel).toBeDefined();
      expect(f!.error, rel).toMatch(reason);
      expect(f!.folderId).toBe(folder.id);
    }
    const status = await lib.status();
    expect(status.documents).toBe(okFiles);
    expect(status.failed).toBe(failed.length);
    expect(summary.filesFailed).toBe(status.failed);
    expect(status.folders[0]).toMatchObject({ state: 'ok', documents: okFiles });
    expect(status.pack).toMatchObject({ name: 'test-pack', dim: 32, builtin: false });
    expect(status.needsReembed).toBe(false);
    expect(consistency()).toEqual([]);
  });

  it('keeps exact UTF-16 offsets into the decoded text (BOM, CRLF, GBK, UTF-16, astral characters)', () => {
    const db = openDatabase(dbPath, { readonly: true });
    try {
      for (const rel of Object.keys(ENCODED)) {
        const text = decodedText(rel);
        const rows = db
          .prepare(
            'SELECT c.start, c.end, c.text FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.rel_path = ?',
          )
          .all(rel) as { start: number; end: number; text: string }[];
        expect(rows.length, rel).toBeGreaterThan(0);
        for (const r of rows) expect(text.slice(r.start, r.end), rel).toBe(r.text);
      }
    } finally {
      db.close();
    }
  });

  it('answers Chinese and English questions from every kind of file', async () => {
    const cases: [string, string][] = [
      ['绿茶用多少度的水？', 'notes/茶叶.md'],
      ['年假有几天？', 'legacy/gbk.txt'],
      ['how long is the grinder motor warranty', 'legacy/utf16.txt'],
      ['zebra crossing photographers', 'legacy/bom-astral.txt'],
      ['how often to descale the machine', 'web/page.html'],
      ['Eyjafjallajökull eruption', 'data/config.json'],
      ['aardvark keeper', 'code/greet.py'],
      ['mongoose fast mode', 'docs/guide.rst'],
      ['quarterly budget review Monday', 'legacy/crlf.txt'],
    ];
    for (const [question, expected] of cases) {
      const answer = await lib.ask(question, { mode: 'bm25' });
      expect(answer.results[0]?.path, question).toBe(expected);
      expect(answer.notFound, question).toBe(false);
    }
    const hybrid = await lib.ask('umbrella rain Lisbon', { k: 3 });
    expect(hybrid.mode).toBe('hybrid');
    const top = hybrid.results[0];
    expect(top).toMatchObject({
      path: 'notes/travel.txt',
      absPath: path.join(docs, 'notes', 'travel.txt'),
      title: 'Travel checklist',
    });
    expect(top.text.slice(top.highlights[0].start, top.highlights[0].end)).toMatch(/umbrella/);
    expect(top.line).toBe(decodedText('notes/travel.txt').slice(0, top.start).split('\n').length);
    // A line of a file as read is a place a reader finds; a line of text read out of HTML is not.
    expect(top.lineInFile).toBe(true);
    const html = (await lib.ask('how often to descale the machine', { mode: 'bm25' })).results[0];
    expect(html).toMatchObject({ path: 'web/page.html', lineInFile: false, page: null });
    const pdf = (await lib.ask('warranty card', { k: 10, mode: 'bm25' })).results.find(
      (r) => r.path === 'office/warranty.pdf',
    );
    expect(pdf?.page).toBe(1);
    expect(pdf?.pageIsSlide).toBeUndefined();
    // A deck's page is a slide.
    const slide = (await lib.ask('ferry to the lighthouse island in winter', { mode: 'bm25' })).results[0];
    expect(slide).toMatchObject({
      path: 'office/ferries.pptx',
      page: 2,
      pageIsSlide: true,
      lineInFile: false,
    });
  });

  it('rejects bad arguments with one clear line', async () => {
    await expectUserError(lib.ask('tea', { k: 0 }), /k must be/);
    await expectUserError(lib.ask('tea', { mode: 'fuzzy' as never }), /mode must be/);
    await expectUserError(lib.addFolder(path.join(tmp.dir, 'nope')), /folder not found/);
    await expectUserError(lib.addFolder(path.join(docs, 'notes', 'travel.txt')), /not a folder/);
    await expectUserError(lib.addFolder(path.join(docs, 'notes')), /already inside/);
    await expectUserError(lib.preview(999_999), /no passage/);
    await expectUserError(lib.documentPath(999_999), /no document with id/);
    await expectUserError(lib.ingest({ folderIds: [42] }), /no folder with id 42/);
    await expectUserError(lib.updateSettings({ chunkTargetChars: 5 }), /chunkTargetChars/);
    await expectUserError(lib.updateSettings({ bogus: 1 } as never), /bogus/);
    await expectUserError(lib.conversation(12345), /no conversation/);
  });

  it('previews a passage inside its context and only ever opens files inside the library', async () => {
    const answer = await lib.ask('红茶用几度的水？', { mode: 'bm25' });
    const top = answer.results[0];
    const preview = await lib.preview(top.chunkId);
    expect(preview.context.slice(preview.passage.start, preview.passage.end)).toBe(top.text);
    expect(preview.context).toContain('绿茶'); // the neighbouring chunk
    expect(preview.headingPath).toEqual(['茶叶冲泡指南', '红茶']);
    for (const h of preview.highlights) expect(h.start).toBeGreaterThanOrEqual(preview.passage.start);
    const abs = await lib.documentPath(top.documentId);
    expect(abs).toBe(path.join(docs, 'notes', '茶叶.md'));
    expect(abs.startsWith(docs + path.sep)).toBe(true);
    // A file that failed to be read is listed, but it is not a document to open.
    const db = openDatabase(dbPath, { readonly: true });
    const failedIds = db.prepare(`SELECT id FROM documents WHERE status <> 'ok'`).pluck().all() as number[];
    db.close();
    expect(failedIds.length).toBeGreaterThan(0);
    for (const id of failedIds) await expectUserError(lib.documentPath(id), /no document with id/);
  });

  it('keeps conversations with their answers', async () => {
    const first = await lib.askInConversation(null, 'Where does it rain in November?');
    const second = await lib.askInConversation(first.conversationId, '绿茶的水温？', { k: 2 });
    expect(second.conversationId).toBe(first.conversationId);
    const turns = await lib.conversation(first.conversationId);
    expect(turns.map((t) => t.question)).toEqual(['Where does it rain in November?', '绿茶的水温？']);
    expect(turns[1].answer.results.length).toBeLessThanOrEqual(2);
    expect((await lib.listConversations())[0]).toMatchObject({
      id: first.conversationId,
      turns: 2,
      title: 'Where does it rain in November?',
    });
    await lib.deleteConversation(first.conversationId);
    expect(await lib.listConversations()).toEqual([]);
    await expectUserError(lib.conversation(first.conversationId), /no conversation with id/);
    await expectUserError(lib.askInConversation(first.conversationId, 'tea?'), /no conversation with id/);
    await expectUserError(lib.deleteConversation(first.conversationId), /no conversation with id/);

    // "Undo": it comes back whole, until the restore window has passed.
    await lib.restoreConversation(first.conversationId);
    expect((await lib.conversation(first.conversationId)).map((t) => t.question)).toEqual([
      'Where does it rain in November?',
      '绿茶的水温？',
    ]);
    await expectUserError(lib.restoreConversation(first.conversationId), /cannot be restored/);
    await lib.deleteConversation(first.conversationId);
    const db = openDatabase(dbPath);
    try {
      const past = new Date(Date.now() + RESTORE_WINDOW_MS + 1000);
      expect(restoreConversation(db, first.conversationId, past)).toBe(false);
      // Deleted, not yet purged: its turns are still in the file until the window has passed.
      const turnsOf = () =>
        db.prepare('SELECT COUNT(*) FROM turns WHERE conversation_id = ?').pluck().get(first.conversationId);
      expect(turnsOf()).toBe(2);
      expect(purgeDeletedConversations(db, past)).toBe(1);
      expect(turnsOf()).toBe(0);
    } finally {
      db.close();
    }
    await expectUserError(lib.restoreConversation(first.conversationId), /cannot be restored/);
  });

  it('removes a conversation deleted long ago for good when the library opens', async () => {
    const turn = await lib.askInConversation(null, 'Where does it rain in November?');
    await lib.deleteConversation(turn.conversationId);
    const db = openDatabase(dbPath);
    try {
      db.prepare('UPDATE conversations SET deleted_at = ? WHERE id = ?').run(
        new Date(Date.now() - RESTORE_WINDOW_MS - 1000).toISOString(),
        turn.conversationId,
      );
    } finally {
      db.close();
    }
    const again = await Library.open({ dbPath, packDir, provider: 'cpu' });
    try {
      await expectUserError(again.restoreConversation(turn.conversationId), /cannot be restored/);
    } finally {
      await again.close();
    }
    const check = openDatabase(dbPath, { readonly: true });
    try {
      expect(
        check.prepare('SELECT COUNT(*) FROM conversations WHERE id = ?').pluck().get(turn.conversationId),
      ).toBe(0);
    } finally {
      check.close();
    }
  });
});

describe('incremental indexing', () => {
  it('skips unchanged files, re-reads changed ones and keeps renamed ones without re-embedding', async () => {
    const again = await lib.ingest();
    expect(again).toMatchObject({ filesAdded: 0, filesUpdated: 0, filesRemoved: 0, chunks: 0 });
    // Failed files that did not change are not re-read either: still failed, and counted so (as status does).
    expect(again.filesFailed).toBe((await lib.status()).failed);
    expect(again.filesSkipped).toBe(again.filesTotal - again.filesFailed);

    const travel = path.join(docs, 'notes', 'travel.txt');
    const travelIds = chunkIdsOf('notes/travel.txt');
    // Touched but unchanged: the hash says so, nothing is re-embedded.
    const later = new Date(Date.now() + 60_000);
    utimesSync(travel, later, later);
    // Changed: replaced in one transaction.
    writeFileSync(
      path.join(docs, 'notes', '茶叶.md'),
      '# 茶叶冲泡指南\n\n## 白茶\n\n白茶用九十度的水，闷泡五分钟。\n',
    );
    // Renamed: same content under another name keeps its chunks.
    const gbkIds = chunkIdsOf('legacy/gbk.txt');
    renameSync(path.join(docs, 'legacy', 'gbk.txt'), path.join(docs, 'legacy', 'annual-leave.txt'));
    // Deleted.
    rmSync(path.join(docs, 'code', 'greet.py'));

    const s = await lib.ingest();
    expect(s).toMatchObject({ filesAdded: 0, filesUpdated: 2, filesRemoved: 1 });
    expect(chunkIdsOf('notes/travel.txt')).toEqual(travelIds);
    expect(chunkIdsOf('legacy/annual-leave.txt')).toEqual(gbkIds);
    expect(chunkIdsOf('legacy/gbk.txt')).toEqual([]);
    expect((await lib.ask('aardvark keeper', { mode: 'bm25' })).results.map((r) => r.path)).not.toContain(
      'code/greet.py',
    );
    expect((await lib.ask('白茶闷泡几分钟？', { mode: 'bm25' })).results[0].path).toBe('notes/茶叶.md');
    expect((await lib.ask('绿茶的水温', { mode: 'bm25' })).results.map((r) => r.text).join()).not.toContain(
      '八十度',
    );
    expect((await lib.ask('年假有几天？', { mode: 'bm25' })).results[0].path).toBe('legacy/annual-leave.txt');
    expect(consistency()).toEqual([]);
  });

  it('retries failed files on request and re-reads everything with force', async () => {
    writeFileSync(path.join(docs, 'broken', 'empty.txt'), 'Now the file has words about a narwhal.');
    const retried = await lib.retryFailed();
    expect(retried.filesUpdated).toBe(1);
    expect((await lib.failedFiles()).map((f) => f.path)).not.toContain('broken/empty.txt');
    const forced = await lib.ingest({ force: true });
    expect(forced.filesSkipped).toBe(0);
    expect(forced.filesUpdated).toBeGreaterThan(5);
    expect(consistency()).toEqual([]);
  });

  it('cancels cleanly and finishes on the next run', async () => {
    const controller = new AbortController();
    const run = lib.ingest({
      force: true,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'indexing' && p.filesDone >= 1) controller.abort();
      },
    });
    const cancelled = await run;
    expect(['cancelled', 'done']).toContain(cancelled.phase);
    expect(consistency()).toEqual([]);
    const next = await lib.ingest();
    expect(next.phase).toBe('done');
    expect(consistency()).toEqual([]);
  });

  it('removes a folder and everything indexed from it, leaving the files alone', async () => {
    const [folder] = await lib.listFolders();
    await lib.removeFolder(folder.id);
    const status = await lib.status();
    expect(status).toMatchObject({ documents: 0, chunks: 0, failed: 0, folders: [] });
    expect(consistency()).toEqual([]);
    expect(readFileSync(path.join(docs, 'notes', 'travel.txt'), 'utf8')).toBe(
      decodedText('notes/travel.txt'),
    );
  });
});
