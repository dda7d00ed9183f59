import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskResult, ConversationTurn, LearningState } from '../../main/api/contract.js';
import { createApi, type Api } from '../../main/api/dispatcher.js';
import { WorkerEngine } from '../../main/api/workerEngine.js';
import { startWebServer, type WebServer } from '../../main/server/server.js';
import { createWebHost } from '../../main/server/webHost.js';
import { translator } from '../../renderer/src/i18n/translate.js';
import { describeApiError } from '../../renderer/src/reasons.js';
import { rawRequest, writeSmallPack, writeTree } from './helpers.js';

// Learning from use through web mode's real HTTP API (the desktop bridge calls the same methods).

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-learning-api-'));
const docs = path.join(tmp, 'docs');
let engine: WorkerEngine;
let api: Api;
let server: WebServer;

beforeAll(async () => {
  writeTree(docs, {
    'tea.md': '# Tea\n\nGreen tea wants water at about eighty degrees.\n',
    'notes/kettle.txt': 'Descale the kettle that boils the water every month.\n',
  });
  engine = await WorkerEngine.start({ dbPath: path.join(tmp, 'library.sqlite') });
  await engine.updateSettings({ packDir: await writeSmallPack(path.join(tmp, 'pack')) });
  api = createApi(engine, createWebHost('test'));
  server = await startWebServer({
    api,
    rendererDir: path.join(tmp, 'no-renderer'),
    port: 0,
    maxBodyBytes: 64 * 1024,
    log: () => undefined,
  });
});

afterAll(async () => {
  await server?.close();
  await api?.ingest.whenIdle();
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

type Reply<T> =
  | { ok: true; result: T }
  | { ok: false; error: { kind: string; message: string; code: string; params: Record<string, string> } };

async function post<T>(method: string, body: unknown): Promise<Reply<T>> {
  const r = await rawRequest(server.port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return JSON.parse(r.body) as Reply<T>;
}

async function result<T>(method: string, body: unknown = {}): Promise<T> {
  const reply = await post<T>(method, body);
  if (!reply.ok) throw new Error(`${method} failed: ${reply.error.message}`);
  return reply.result;
}

async function failure(method: string, body: unknown) {
  const reply = await post<unknown>(method, body);
  expect(reply.ok, `${method} should fail`).toBe(false);
  if (reply.ok) throw new Error('unreachable');
  return reply.error;
}

describe('learning from use over the HTTP API', () => {
  let answer: AskResult;

  it('logs what ask answers and gives its id', async () => {
    expect((await post('addFolder', { path: docs })).ok).toBe(true);
    await api.ingest.whenIdle();
    answer = await result<AskResult>('ask', { question: 'water for green tea', mode: 'bm25' });
    expect(answer.answerId).toEqual(expect.any(Number));
    expect(answer.results[0].path).toBe('tea.md');
    const turn = await result<ConversationTurn>('askInConversation', {
      conversationId: null,
      question: 'descale the kettle',
      mode: 'bm25',
    });
    expect(turn.answer.answerId).toBe(answer.answerId! + 1);
  });

  it('accepts a signal on a passage that was shown, and counts it', async () => {
    const recorded = await result<{ signalId: number }>('feedback', {
      answerId: answer.answerId,
      rank: 1,
      signal: 'good',
    });
    expect(recorded.signalId).toEqual(expect.any(Number));
    expect(await result<LearningState>('learningState')).toMatchObject({
      enabled: true,
      signals: 1,
      signalsByKind: { good: 1, bad: 0 },
      questions: 1,
      model: null,
    });
  });

  it('rejects a signal on a passage that was not shown, with its code', async () => {
    const shown = answer.results.length;
    const notShown = await failure('feedback', {
      answerId: answer.answerId,
      rank: shown + 1,
      signal: 'good',
    });
    expect(notShown).toMatchObject({
      kind: 'user',
      message: `answer ${answer.answerId} showed ${shown} passage(s); there is no passage ${shown + 1}`,
      code: 'passage-not-shown',
      params: { id: String(answer.answerId), shown: String(shown), rank: String(shown + 1) },
    });
    expect(describeApiError(notShown, translator('zh'))).toBe(
      `回答 ${answer.answerId} 只显示了 ${shown} 个段落，没有第 ${shown + 1} 个段落`,
    );
    expect(await failure('feedback', { answerId: 99_999, rank: 1, signal: 'bad' })).toMatchObject({
      code: 'no-such-answer',
      params: { id: '99999' },
    });
    // Not one of the signals: the contract's schema refuses it before the engine sees it.
    expect((await failure('feedback', { answerId: answer.answerId, rank: 1, signal: 'great' })).code).toMatch(
      /^input-/,
    );
    expect((await result<LearningState>('learningState')).signals).toBe(1);
  });

  it('exports the signals as JSON Lines', async () => {
    const text = await result<string>('exportSignals');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        signal: 'good',
        answerId: answer.answerId,
        question: 'water for green tea',
        rank: 1,
        passage: expect.objectContaining({ path: 'tea.md' }),
        shownAbove: [],
      }),
    ]);
  });

  it('has no learned model to restore yet', async () => {
    expect(await failure('restorePreviousModel', {})).toMatchObject({ code: 'no-model-to-restore' });
  });

  it('erases the signals', async () => {
    const state = await result<LearningState>('eraseSignals');
    expect(state).toMatchObject({ signals: 0, questions: 0, model: null });
    expect(await result<string>('exportSignals')).toBe('');
    // The answers log stays (like the chat's history): the answer on screen can be marked again.
    expect(await result('feedback', { answerId: answer.answerId, rank: 1, signal: 'good' })).toMatchObject({
      signalId: expect.any(Number),
    });
    expect((await result<LearningState>('learningState')).signals).toBe(1);
  });

  it('pauses learning through the learning setting', async () => {
    expect((await result<{ learning: boolean }>('updateSettings', { learning: false })).learning).toBe(false);
    expect((await result<LearningState>('learningState')).enabled).toBe(false);
    expect((await result<{ learning: boolean }>('updateSettings', { learning: true })).learning).toBe(true);
    expect((await result<LearningState>('learningState')).enabled).toBe(true);
  });
});
