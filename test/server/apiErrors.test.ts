import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../../main/api/apiErrors.js';
import type { ApiEvent, ApiReply } from '../../main/api/contract.js';
import type { Api } from '../../main/api/dispatcher.js';
import { IngestLock } from '../../main/engine/library/ingestLock.js';
import { K_LIMITS, THREADS } from '../../main/engine/vocabulary/values.js';
import { translator } from '../../renderer/src/i18n/translate.js';
import { describeApiError, describeLastError } from '../../renderer/src/reasons.js';
import { cliEnv, errorLines, runDocqa } from '../cli/runDocqa.js';
import { startTestApi, writeTree } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-api-errors-'));
const docs = path.join(tmp, 'docs');
const dbPath = path.join(tmp, 'library.sqlite');
let api: Api;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  writeTree(docs, { 'sub/note.txt': 'A note about the garden.\n' });
  writeFileSync(path.join(tmp, 'plain.txt'), 'not a folder\n');
  ({ api, stop } = await startTestApi(dbPath, path.join(tmp, 'pack')));
});

afterAll(async () => {
  await stop?.();
  rmSync(tmp, { recursive: true, force: true });
});

/** The error body a call comes back with (it must fail). */
async function failure(method: string, input: unknown) {
  const reply = (await api.call(method, input)) as ApiReply<unknown>;
  expect(reply.ok, `${method} should fail`).toBe(false);
  if (reply.ok) throw new Error('unreachable');
  expect(API_ERROR_CODES).toContain(reply.error.code);
  return reply.error;
}

const zh = translator('zh');

describe('errors the API sends to the page', () => {
  it('carry a code and parameters beside the English message, which the page words in Chinese', async () => {
    const missing = path.join(tmp, 'no-such-folder');
    const notFound = await failure('addFolder', { path: missing });
    expect(notFound).toEqual({
      kind: 'user',
      message: `folder not found: ${missing}`,
      code: 'folder-not-found',
      params: { path: missing },
      subject: missing,
    });
    expect(describeApiError(notFound, zh)).toBe(`找不到文件夹：${missing}`);

    const file = path.join(tmp, 'plain.txt');
    expect(await failure('addFolder', { path: file })).toMatchObject({
      code: 'not-a-folder',
      params: { path: file },
    });

    expect((await api.call('addFolder', { path: docs })).ok).toBe(true);
    await api.ingest.whenIdle();
    const inside = await failure('addFolder', { path: path.join(docs, 'sub') });
    expect(inside).toMatchObject({
      code: 'folder-inside-library-folder',
      params: { path: path.join(docs, 'sub'), folder: docs },
    });
    expect(describeApiError(inside, zh)).toBe(`${path.join(docs, 'sub')} 已在文档库文件夹 ${docs} 之内`);

    // Web mode's folder field: a path typed relative to nothing the person can see is refused, as is the system's state.
    expect(await failure('addFolder', { path: 'docs' })).toMatchObject({
      code: 'not-absolute-path',
      params: { path: 'docs' },
    });
    if (existsSync('/proc/self')) {
      const system = await failure('addFolder', { path: '/proc' });
      expect(system).toMatchObject({ code: 'system-state-folder', params: { path: '/proc' } });
      expect(describeApiError(system, zh)).toBe('/proc 存放的是系统运行状态（进程、设备），不是文档');
    }
    // Pasted with quotes and a trailing newline: the folder already in the library, not a new one.
    const pasted = (await api.call('addFolder', { path: ` "${docs}"\n` })) as ApiReply<{ path: string }>;
    expect(pasted.ok && pasted.result.path).toBe(docs);

    expect(await failure('removeFolder', { folderId: 999_999 })).toMatchObject({
      code: 'no-such-folder',
      params: { id: '999999' },
    });
    expect(await failure('preview', { chunkId: 999_999 })).toMatchObject({
      code: 'no-such-passage',
      params: { id: '999999' },
    });
    const pack = path.join(tmp, 'no-such-pack');
    expect(await failure('updateSettings', { packDir: pack })).toMatchObject({
      code: 'pack-folder-not-found',
      params: { path: pack },
    });
    // From the pack-task worker: importing a folder that is not an exported model.
    expect(await failure('importPack', { folder: docs })).toMatchObject({
      code: 'no-tokenizer',
      params: { dir: docs },
    });
    expect(await failure('dropDatabase', {})).toMatchObject({
      code: 'unknown-method',
      params: { method: 'dropDatabase' },
    });
  });

  it('code inputs the schemas refuse from the refusal, not from its English', async () => {
    const empty = await failure('ask', { question: '   ' });
    expect(empty).toMatchObject({
      message: 'ask: question: the question is empty',
      code: 'question-empty',
      params: {},
    });
    expect(describeApiError(empty, zh)).toBe('问题是空的');
    const threads = await failure('updateSettings', { threads: THREADS.max + 1 });
    expect(threads).toMatchObject({
      code: 'input-too-big',
      params: { field: 'threads', max: String(THREADS.max) },
    });
    expect(describeApiError(threads, zh)).toBe(`threads 最多为 ${THREADS.max}`);
    expect(await failure('ask', { question: 'hi', k: 0 })).toMatchObject({
      code: 'input-too-small',
      params: { field: 'k', min: String(K_LIMITS.min) },
    });
    expect(await failure('ask', { question: 'hi', shell: 'rm -rf /' })).toMatchObject({
      code: 'input-unknown-field',
      params: { field: 'shell' },
    });
    expect(await failure('updateSettings', { theme: 'neon' })).toMatchObject({
      code: 'input-invalid',
      params: { field: 'theme' },
    });
  });

  it('keep the English sentence the CLI prints for the same mistake', async () => {
    const missing = path.join(tmp, 'not-here');
    const home = path.join(tmp, 'home');
    mkdirSync(home, { recursive: true });
    const cli = runDocqa(['ingest', missing, '--db', path.join(tmp, 'cli.sqlite')], cliEnv(home));
    expect(cli.code).not.toBe(0);
    const body = await failure('addFolder', { path: missing });
    expect(errorLines(cli.stderr)).toEqual([expect.stringContaining(body.message)]);
  });
});

describe('a library another run holds (a `docqa ingest` in another process)', () => {
  it('shows the run as waiting, and a cancel while it waits as a coded reason', async () => {
    await api.ingest.whenIdle();
    const held = IngestLock.tryAcquire(dbPath);
    expect(held).not.toBeNull();
    const phases: string[] = [];
    let waiting!: () => void;
    const waited = new Promise<void>((resolve) => (waiting = resolve));
    const unsubscribe = api.events.subscribe((e: ApiEvent) => {
      if (e.type !== 'ingest-progress') return;
      phases.push(e.progress.phase);
      if (e.progress.phase === 'waiting') waiting();
    });
    try {
      expect((await api.call('startIngest', { force: true })).ok).toBe(true);
      await waited;
      expect(phases[0]).toBe('waiting');
      await api.call('cancelIngest', {});
      await api.ingest.whenIdle();
    } finally {
      unsubscribe();
      held?.release();
    }
    const state = api.ingest.state();
    expect(state.lastError).toBe('cancelled while another ingest was running on this library');
    expect(state.lastErrorReason).toEqual({ code: 'cancelled-while-waiting', params: {} });
    expect(describeLastError(state.lastError!, state.lastErrorReason, zh)).toBe(
      '在等待另一个索引任务使用此文档库时被取消',
    );
  });
});
