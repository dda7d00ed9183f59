import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiReply } from '../../main/api/contract.js';
import type { Api } from '../../main/api/dispatcher.js';
import { resourcesDirectory } from '../../main/engine/towers/builtinPack.js';
import { startTestApi } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docqa-samples-'));
let api: Api;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ api, stop } = await startTestApi(path.join(tmp, 'library.sqlite'), path.join(tmp, 'pack')));
});

afterAll(async () => {
  await stop?.();
  rmSync(tmp, { recursive: true, force: true });
});

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const reply = (await api.call(method, input)) as ApiReply<T>;
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result;
}

describe('the sample documents offered on the first-run screen', () => {
  it('are added as a folder without QUESTIONS.md, indexed, with the questions they answer', async () => {
    const samples = path.join(resourcesDirectory(), 'sample-docs');
    const added = await call<{ folder: { id: number; path: string }; questions: string[] }>(
      'addSampleFolder',
    );
    expect(added.folder.path).toBe(samples);
    expect(added.questions).toEqual(
      expect.arrayContaining([
        'How often should I descale the espresso machine?',
        '提前退租要提前多少天通知房东？',
      ]),
    );
    await api.ingest.whenIdle();
    const status = await call<{ folders: { path: string; documents: number; failed: number }[] }>('status');
    // Nine documents: every file of the folder but QUESTIONS.md, which holds the questions word for word.
    expect(status.folders).toEqual([expect.objectContaining({ path: samples, documents: 9, failed: 0 })]);
    const answer = await call<{ results: { path: string }[] }>('ask', { question: added.questions[0] });
    expect(answer.results[0].path).toBe('aurora-espresso-manual.html');
    expect(answer.results.map((r) => r.path)).not.toContain('QUESTIONS.md');
    // Asked for again: the same folder, not a second one.
    const again = await call<{ folder: { id: number } }>('addSampleFolder');
    expect(again.folder.id).toBe(added.folder.id);
    await api.ingest.whenIdle();
    expect((await call<{ folders: unknown[] }>('status')).folders).toHaveLength(1);
  });
});
