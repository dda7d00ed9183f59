import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { padFeatures } from './featureBatch.js';
import { featurize, type Features } from './featurize.js';
import type { TowerWorkerInit, TowerWorkerReply, TowerWorkerRequest } from './towerWorkerProtocol.js';
import { createSession } from './sessions.js';
import { enterOrt } from '../workers/stopWorker.js';

/**
 * One hashed tower's ONNX session, off the caller's thread: texts in,
 * featurized here, run in length-sorted sub-batches, L2-normalised rows out.
 */
const init = workerData as TowerWorkerInit;
const port = parentPort!;

function send(reply: TowerWorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/**
 * Sub-batches of similar length (padding costs as much as a feature: a Gather
 * of row 0), each at most `budget` padded feature slots so the gathered
 * [rows, L, dim] tensor stays small.
 */
function subBatches(features: Features[], budget: number): number[][] {
  const order = features
    .map((_, i) => i)
    .sort((a, b) => features[a]!.ids.length - features[b]!.ids.length || a - b);
  const groups: number[][] = [];
  let group: number[] = [];
  for (const i of order) {
    const l = Math.max(1, features[i]!.ids.length);
    if (group.length > 0 && (group.length + 1) * l > budget) {
      groups.push(group);
      group = [];
    }
    group.push(i);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Set by a 'close' that arrives while the model loads: the worker then skips
 * the warm-up and exits. (Before loading, the pool stops a worker through
 * init.ortGate instead; during an ORT call, the call is finished first: see
 * workers/stopWorker.ts.)
 */
let closedEarly = false;
const onEarlyMessage = (req: TowerWorkerRequest): void => {
  if (req.type === 'close') closedEarly = true;
};
port.on('message', onEarlyMessage);

async function main(): Promise<void> {
  if (init.ortGate && !enterOrt(init.ortGate)) {
    port.close();
    return;
  }
  let opened;
  try {
    opened = await createSession(init.model, {
      provider: init.provider,
      threads: init.threads,
      onFallback: () => {},
    });
  } catch (e) {
    send({ type: 'init-error', message: message(e) });
    port.close();
    return;
  }
  const { session } = opened;
  const shape =
    session.outputMetadata[0] && 'shape' in session.outputMetadata[0] ? session.outputMetadata[0].shape : [];
  const dim = typeof shape[1] === 'number' ? shape[1] : -1;

  const embed = async (texts: string[]): Promise<Float32Array> => {
    const features = texts.map((t) => featurize(t, init.featurizer, { role: init.role }));
    const out = new Float32Array(texts.length * dim);
    for (const group of subBatches(features, init.batchFeatures)) {
      const b = padFeatures(group.map((i) => features[i]!));
      const result = await session.run({
        ids: new ort.Tensor('int32', b.ids, [b.n, b.l]),
        weights: new ort.Tensor('float32', b.weights, [b.n, b.l]),
      });
      const rows = result.embedding!.data as Float32Array;
      group.forEach((i, r) => out.set(rows.subarray(r * dim, (r + 1) * dim), i * dim));
    }
    return out;
  };

  // Let a 'close' sent during the load be seen.
  await new Promise((resolve) => setImmediate(resolve));
  if (closedEarly) {
    await session.release();
    port.close();
    return;
  }
  // One warm-up text before reporting ready: builds the featurizer's tables and
  // runs the graph once, so the first real request is as fast as the rest and a
  // model that loads but cannot run fails here, at open.
  try {
    await embed(['warm-up 预热']);
  } catch (e) {
    send({ type: 'init-error', message: message(e) });
    await session.release();
    port.close();
    return;
  }
  if (closedEarly) {
    await session.release();
    port.close();
    return;
  }
  send({ type: 'ready', active: opened.active, fallbackReason: opened.fallbackReason, dim });

  port.off('message', onEarlyMessage);
  port.on('message', (req: TowerWorkerRequest) => {
    if (req.type === 'close') {
      void session.release().finally(() => port.close());
      return;
    }
    embed(req.texts).then(
      (data) => send({ type: 'result', id: req.id, data }, [data.buffer as ArrayBuffer]),
      (e: unknown) => send({ type: 'error', id: req.id, message: message(e) }),
    );
  });
}

void main();
