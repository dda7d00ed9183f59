import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RpcClient } from '../../main/engine/workers/rpc.js';
import { spawnWorker } from '../../main/engine/workers/spawnWorker.js';
import { exitOf, stopWorker } from '../../main/engine/workers/stopWorker.js';
import { seededRandom, tempDir, writeTestPack } from '../library/helpers.js';

export type OrtRpcMethods = {
  spin: { params: null; result: number; progress: number };
};

const tmp = tempDir('docqa-stop-');
afterAll(() => tmp.cleanup());

/**
 * Worker.terminate() while the thread is inside onnxruntime aborted the whole
 * process ("terminate called after throwing an instance of 'Napi::Error'", exit
 * 134). stopWorker asks instead and waits; were it to terminate such a worker,
 * this test's process would die with it.
 */
describe('stopWorker', () => {
  it('stops workers busy in ORT without aborting the process, at any moment', async () => {
    const model = path.join(await writeTestPack(path.join(tmp.dir, 'pack'), { dim: 64 }), 'question.onnx');
    const random = seededRandom(3);
    for (let round = 0; round < 6; round++) {
      const worker = spawnWorker(import.meta.url, 'ortLoop', { workerData: { model } });
      const exited = exitOf(worker);
      let code: number | null = null;
      worker.once('exit', (c) => (code = c));
      // Odd rounds stop it while the session is loading; even ones while it runs.
      if (round % 2 === 0) await new Promise((resolve) => worker.once('message', resolve));
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
      await stopWorker(worker, exited, { type: 'close' });
      expect(code).toBe(0);
    }
  });

  it('terminates a worker that does not stop within the grace period', async () => {
    const worker = spawnWorker(import.meta.url, 'echo');
    const exited = exitOf(worker);
    let code: number | null = null;
    worker.once('exit', (c) => (code = c));
    // Running (it answers), and it takes the stop request for just another number.
    const reply = new Promise((resolve) => worker.once('message', resolve));
    worker.postMessage(1);
    expect(await reply).toBe('ts-worker:2');
    await stopWorker(worker, exited, 21, 50);
    expect(code).toBe(1);
  });

  it('RpcClient.close() waits for a worker busy in ORT to exit by itself, at any moment', async () => {
    // Every pool closes its workers through RpcClient.close(): were it to terminate, the process would die here.
    const model = path.join(
      await writeTestPack(path.join(tmp.dir, 'rpc-pack'), { dim: 64 }),
      'question.onnx',
    );
    const random = seededRandom(7);
    for (let round = 0; round < 6; round++) {
      const worker = spawnWorker(import.meta.url, 'ortRpc', { workerData: { model } });
      let code: number | null = null;
      worker.once('exit', (c) => (code = c));
      const client = new RpcClient<OrtRpcMethods>(worker, { name: 'ORT test worker' });
      let running!: () => void;
      const started = new Promise<void>((resolve) => (running = resolve));
      const spinning = client
        .call('spin', null, { onProgress: () => running() })
        .catch((e: Error) => e.message);
      // Odd rounds close while the session is loading; even ones while it runs.
      if (round % 2 === 0) await started;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
      await client.close();
      expect(code).toBe(0); // exited by itself (terminate() makes it 1)
      expect(await spinning).toBe('the ORT test worker is closed');
    }
  });
});
