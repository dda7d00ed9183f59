import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { serveRpc } from '../../main/engine/workers/rpc.js';
import type { OrtRpcMethods } from './stopWorker.test.js';

/**
 * One ONNX session behind serveRpc, as the tower workers have it: `spin` runs
 * it in a tight loop until cancelled, so that the thread is inside onnxruntime
 * nearly all the time while RpcClient.close() stops it
 * (test/workers/stopWorker.test.ts).
 */
const session = ort.InferenceSession.create((workerData as { model: string }).model);
const n = 64 * 1024;

serveRpc<OrtRpcMethods>(
  parentPort!,
  {
    spin: async (_params, { signal, progress }) => {
      const s = await session;
      let runs = 0;
      while (!signal.aborted) {
        await s.run({
          ids: new ort.Tensor('int32', new Int32Array(n).fill(3), [64, 1024]),
          weights: new ort.Tensor('float32', new Float32Array(n).fill(1), [64, 1024]),
        });
        if (++runs === 1) progress(runs);
      }
      return runs;
    },
  },
  { onClose: async () => (await session).release() },
);
