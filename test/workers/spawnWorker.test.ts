import { describe, expect, it } from 'vitest';
import { spawnWorker } from '../../main/engine/workers/spawnWorker.js';

describe('spawnWorker', () => {
  it('starts a TypeScript worker next to the caller and exchanges messages', async () => {
    const w = spawnWorker(import.meta.url, 'echo');
    const reply = await new Promise<string>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage(21);
    });
    await w.terminate();
    expect(reply).toBe('ts-worker:42');
  });
});
