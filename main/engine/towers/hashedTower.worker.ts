import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { padFeatures } from './featureBatch.js';
import { serveRpc, Transferred } from '../workers/rpc.js';
import { featurize, type Features } from './featurize.js';
import type { TowerWorkerInit, TowerWorkerMethods } from './towerWorkerProtocol.js';
import { createSession } from './sessions.js';
import { enterOrt } from '../workers/stopWorker.js';

/**
 * One hashed tower's ONNX session, off the caller's thread: texts in,
 * featurized here, run in length-sorted sub-batches, L2-normalised rows out.
 */
const init = workerData as TowerWorkerInit;

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
 * The loaded tower; failures to load or to run the warm-up reject with why.
 * A close that comes first is seen twice: before the load, the pool has
 * already terminated this thread through init.ortGate (enterOrt loses); during
 * the load, the warm-up is skipped. A call inside ORT is always finished
 * before the thread exits (workers/stopWorker.ts, workers/rpc.ts).
 */
async function open() {
  if (init.ortGate && !enterOrt(init.ortGate)) throw new Error('the tower worker is closed');
  const opened = await createSession(init.model, {
    provider: init.provider,
    threads: init.threads,
    onFallback: () => {},
  });
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

  // Let a close sent during the load be seen.
  await new Promise((resolve) => setImmediate(resolve));
  if (server.closing.aborted) {
    await session.release();
    throw new Error('the tower worker is closed');
  }
  // One warm-up text before reporting ready: builds the featurizer's tables and
  // runs the graph once, so the first real request is as fast as the rest and a
  // model that loads but cannot run fails here, at open.
  try {
    await embed(['warm-up 预热']);
  } catch (e) {
    await session.release();
    throw e;
  }
  return { session, embed, ready: { active: opened.active, fallbackReason: opened.fallbackReason, dim } };
}

const server = serveRpc<TowerWorkerMethods>(
  parentPort!,
  {
    ready: async () => (await tower).ready,
    embed: async (texts) => {
      const data = await (await tower).embed(texts);
      return new Transferred(data, [data.buffer as ArrayBuffer]);
    },
  },
  {
    // The calls in flight have finished: nothing runs in the session any more.
    onClose: async () => {
      const loaded = await tower.catch(() => null);
      await loaded?.session.release();
    },
  },
);

const tower = open();
tower.catch(() => {}); // reported by `ready`
