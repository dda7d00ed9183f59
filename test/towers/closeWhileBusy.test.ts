import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPack } from '../../main/engine/towers/openPack.js';
import { seededRandom, tempDir, writeTestPack } from '../library/helpers.js';

/**
 * Closing a pack while its workers are inside onnxruntime (loading a session,
 * running a batch) must not abort the process. Worker.terminate() at such a
 * moment made node-addon-api throw a C++ Napi::Error and the process died with
 * "terminate called after throwing an instance of 'Napi::Error'" (exit 134; seen
 * in 2 of ~146 `docqa ask` runs): such a crash kills the test runner's process. (test/workers/stopWorker.test.ts
 * puts a worker inside ORT nearly all the time; this one checks the pack's own
 * close path: pending work rejected, workers gone, nothing left running.)
 */
const tmp = tempDir('docqa-close-');
afterAll(() => tmp.cleanup());

describe('closing a hashed pack while its workers are busy', () => {
  it('waits for the ORT call in flight and exits cleanly, whenever it comes', async () => {
    const dir = await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 64 });
    const random = seededRandom(5);
    const texts = Array.from(
      { length: 4000 },
      (_, i) => `passage ${i} about tides, tea and the moon ${'word '.repeat(i % 50)}`,
    );
    for (let round = 0; round < 4; round++) {
      const pack = await openPack(dir, { provider: 'cpu', workers: 2 });
      // Odd rounds close while the answer workers are still loading; even ones in the middle of a
      // batch, once the workers have loaded (so that the close finds them inside ORT, not before it).
      if (round % 2 === 0) await pack.embedAnswers(['loaded']);
      const embedding =
        round % 2
          ? null
          : pack.embedAnswers(texts).then(
              () => 'done',
              (e: Error) => e.message,
            );
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * (round % 2 ? 60 : 20))));
      await pack.close();
      const outcome = await embedding;
      if (outcome && outcome !== 'done') {
        expect(outcome).toMatch(/closed|stopped|disposed/);
      }
      await expect(pack.embedQuestions(['after close'])).rejects.toThrow(/closed/);
    }
  });
});
