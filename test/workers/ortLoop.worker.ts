import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

/**
 * Runs one ONNX model in a tight loop until asked to close, so that the thread
 * is inside onnxruntime nearly all the time (test/workers/stopWorker.test.ts).
 */
const port = parentPort!;
let closing = false;
port.on('message', (m: { type: string }) => {
  if (m.type === 'close') closing = true;
});
const session = await ort.InferenceSession.create((workerData as { model: string }).model);
port.postMessage('running');
const n = 64 * 1024;
while (!closing) {
  await session.run({
    ids: new ort.Tensor('int32', new Int32Array(n).fill(3), [64, 1024]),
    weights: new ort.Tensor('float32', new Float32Array(n).fill(1), [64, 1024]),
  });
}
await session.release();
port.close();
