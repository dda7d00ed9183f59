import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiReply, FailedFileListing, OpenFileResult } from '../../main/api/contract.js';
import { createApi, type Api } from '../../main/api/dispatcher.js';
import { WorkerEngine } from '../../main/api/workerEngine.js';
import type { AskResult, IngestProgress } from '../../main/engine/library/types.js';
import { createWebHost } from '../../main/server/webHost.js';
import { writeSmallPack, writeTree } from './helpers.js';

/**
 * "Open file" and "show in folder" through the real API, the real engine and a
 * real opener process: DOCQA_OPENER points at a script named xdg-open that
 * records what it was handed and fails when told to, as xdg-open does when no
 * program handles a type (exit 3).
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-files-'));
const docs = path.join(tmp, 'docs');
const bin = path.join(tmp, 'bin');
const opener = path.join(bin, 'xdg-open');
const openerLog = path.join(tmp, 'opener.log');
const failFlag = path.join(tmp, 'opener-fails');
let engine: WorkerEngine;
let api: Api;
const events: ApiEvent[] = [];

const call = async <T>(method: string, input: unknown): Promise<ApiReply<T>> =>
  (await api.call(method, input)) as ApiReply<T>;
const handed = (): string[] =>
  existsSync(openerLog) ? readFileSync(openerLog, 'utf8').split('\n').filter(Boolean) : [];

beforeAll(async () => {
  writeTree(docs, {
    'manual/ch09.md': '# Chapter 9\n\nThe espresso machine descales itself every two hundred cups.\n',
    'tools/evil.sh': '#!/bin/sh\n# descales the espresso machine by deleting your home folder\nrm -rf ~\n',
    'tools/evil.desktop': '[Desktop Entry]\nExec=sh -c "rm -rf ~"\n',
    'tools/evil.exe': 'MZ this is not really a program',
    'scans/broken.pdf': '%PDF-1.7\n1 0 obj << /Type /Catalog >> broken beyond repair',
    'scans/blank.txt': '',
  });
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    opener,
    `#!/bin/sh\nprintf '%s\\n' "$1" >> '${openerLog}'\nif [ -e '${failFlag}' ]; then echo "xdg-open: no method available for opening '$1'" >&2; exit 3; fi\nexit 0\n`,
  );
  chmodSync(opener, 0o755);
  engine = await WorkerEngine.start({ dbPath: path.join(tmp, 'library.sqlite') });
  await engine.updateSettings({ packDir: await writeSmallPack(path.join(tmp, 'pack')) });
  api = createApi(engine, createWebHost('test', { ...process.env, DOCQA_OPENER: opener }));
  api.events.subscribe((e) => events.push(e));
  await engine.addFolder(docs);
  const started = await call('startIngest', {});
  expect(started.ok).toBe(true);
  await api.ingest.whenIdle();
});

afterAll(async () => {
  await api?.ingest.whenIdle();
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const realDocs = () => realpathSync(docs);

async function sourceFor(question: string, relPath: string) {
  const reply = await call<AskResult>('ask', { question, k: 10 });
  if (!reply.ok) throw new Error(reply.error.message);
  const hit = reply.result.results.find((r) => r.path === relPath);
  if (!hit) throw new Error(`${relPath} not among the results`);
  return hit;
}

describe('open file', () => {
  it('hands an indexed document to the opener and says it opened it', async () => {
    const hit = await sourceFor('espresso machine descales chapter', 'manual/ch09.md');
    const before = handed().length;
    const reply = await call<OpenFileResult>('openFile', { path: hit.absPath, documentId: hit.documentId });
    expect(reply).toEqual({ ok: true, result: { opened: 'file' } });
    expect(handed().slice(before)).toEqual([path.join(realDocs(), 'manual', 'ch09.md')]);
  });

  it('never hands a script or a program to the opener: it shows it in its folder', async () => {
    // evil.sh is indexed (as code), and its real document id comes with the request.
    const hit = await sourceFor('deleting your home folder descales', 'tools/evil.sh');
    const asked = [
      { path: hit.absPath, documentId: hit.documentId },
      { path: path.join(docs, 'tools', 'evil.desktop') },
      { path: path.join(docs, 'tools', 'evil.exe') },
      // Someone else's document id with the path of a program.
      { path: path.join(docs, 'tools', 'evil.exe'), documentId: hit.documentId },
    ];
    for (const input of asked) {
      const before = handed().length;
      const reply = await call<OpenFileResult>('openFile', input);
      expect(reply.ok, JSON.stringify(input)).toBe(true);
      if (!reply.ok) continue;
      expect(reply.result).toMatchObject({ opened: 'folder', reason: 'not-a-document' });
      expect(handed().slice(before)).toEqual([path.join(realDocs(), 'tools')]);
    }
  });

  it('shows a document in its folder when the request does not name it as the indexed document', async () => {
    const chapter = await sourceFor('espresso machine descales chapter', 'manual/ch09.md');
    const script = await sourceFor('deleting your home folder descales', 'tools/evil.sh');
    for (const input of [
      { path: chapter.absPath },
      { path: chapter.absPath, documentId: script.documentId },
      { path: path.join(docs, 'scans', 'broken.pdf') },
    ]) {
      const before = handed().length;
      const reply = await call<OpenFileResult>('openFile', input);
      expect(reply.ok && reply.result, JSON.stringify(input)).toMatchObject({
        opened: 'folder',
        reason: 'not-indexed',
      });
      expect(handed().slice(before)).toHaveLength(1);
      expect(handed().at(-1)).toBe(path.dirname(realpathSync(input.path)));
    }
  });

  it('reports the opener failing (no program for the type) instead of success', async () => {
    const hit = await sourceFor('espresso machine descales chapter', 'manual/ch09.md');
    writeFileSync(failFlag, '');
    try {
      const open = await call<OpenFileResult>('openFile', { path: hit.absPath, documentId: hit.documentId });
      expect(open.ok).toBe(false);
      if (open.ok) return;
      expect(open.error.kind).toBe('user');
      expect(open.error.message).toMatch(
        /^no program on this computer opens this type of file \(xdg-open exited with 3\)/,
      );
      expect(open.error.message).toContain('no method available');
      const reveal = await call<null>('showInFolder', { path: hit.absPath });
      expect(reveal.ok).toBe(false);
    } finally {
      rmSync(failFlag);
    }
  });

  it('says when the opener program is missing', async () => {
    const missing = createApi(
      engine,
      createWebHost('test', { ...process.env, DOCQA_OPENER: path.join(bin, 'no-such-opener') }),
    );
    const hit = await sourceFor('espresso machine descales chapter', 'manual/ch09.md');
    const reply = await missing.call('openFile', { path: hit.absPath, documentId: hit.documentId });
    expect(reply).toMatchObject({ ok: false, error: { message: expect.stringMatching(/is not installed/) } });
  });
});

describe('failed files and progress', () => {
  it('lists a failed file with its folder and its reason as a code', async () => {
    const reply = await call<FailedFileListing[]>('failedFiles', {});
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const broken = reply.result.find((f) => f.path === 'scans/broken.pdf');
    expect(broken).toMatchObject({
      folderPath: docs,
      error: 'not a valid PDF (damaged or truncated?)',
      reason: { code: 'invalid-pdf', params: {} },
    });
  });

  it('sends only the first failed files when asked for a limit, as many as status counts without one', async () => {
    const all = await call<FailedFileListing[]>('failedFiles', {});
    const status = await call<{ failed: number }>('status', {});
    expect(all.ok && status.ok).toBe(true);
    if (!all.ok || !status.ok) return;
    expect(all.result.length).toBeGreaterThanOrEqual(2);
    expect(all.result).toHaveLength(status.result.failed);
    const first = await call<FailedFileListing[]>('failedFiles', { limit: 1 });
    expect(first.ok && first.result).toEqual(all.result.slice(0, 1));
    const more = await call<FailedFileListing[]>('failedFiles', { limit: all.result.length + 5 });
    expect(more.ok && more.result).toEqual(all.result);
    for (const limit of [0, 1.5, -1, 'ten']) {
      const bad = await call('failedFiles', { limit });
      expect(bad.ok, String(limit)).toBe(false);
      if (!bad.ok) expect(bad.error.kind).toBe('user');
    }
  });

  it('reports the phases of a run, loading the model before indexing, and what each file is doing', () => {
    const progress = events
      .filter((e): e is Extract<ApiEvent, { type: 'ingest-progress' }> => e.type === 'ingest-progress')
      .map((e) => e.progress);
    const phases = progress.map((p) => p.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
    expect(phases).toEqual(['scanning', 'removing', 'loading-model', 'indexing', 'done']);
    const done: IngestProgress = progress.at(-1)!;
    expect(done).toMatchObject({ step: null, passagesPending: 0, currentFile: null });
  });
});
