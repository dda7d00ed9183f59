import { parentPort } from 'node:worker_threads';
import path from 'node:path';
import { describeError, isUserError, UserError } from '../../errors.js';
import type { ProviderName } from '../../library/types.js';
import { TowerEncoder } from './encoder.js';
import type { TowerSide, TransformerManifest } from './manifest.js';
import { createSession } from '../sessions.js';
import { TextTokenizer } from './tokenizer.js';

/**
 * Runs one tower of a transformer pack off the caller's thread (ORT's run()
 * blocks). Texts in, L2-normalised rows out; tokenisation happens here too.
 */
export type WorkerRequest =
  | {
      type: 'init';
      side: TowerSide;
      dir: string;
      manifest: TransformerManifest;
      provider: ProviderName;
      threads: number;
    }
  | { type: 'embed'; id: number; texts: string[] }
  /** Stop: the worker exits once the ORT call it is in (if any) returns (see workers/stopWorker.ts). */
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; active: string; fallbackReason: string | null }
  | { type: 'result'; id: number; data: Float32Array }
  | { type: 'error'; id: number | null; message: string; user: boolean };

let config: Extract<WorkerRequest, { type: 'init' }> | null = null;
let encoder: TowerEncoder | null = null;

async function openEncoder(
  init: Extract<WorkerRequest, { type: 'init' }>,
): Promise<{ encoder: TowerEncoder; active: string; fallbackReason: string | null }> {
  const { side, dir, manifest, provider, threads } = init;
  const files = manifest.transformer[side];
  const modelPath = path.join(dir, files.model);
  let opened;
  try {
    // The fallback reason travels back in the ready message and is shown by status; no log line here.
    opened = await createSession(modelPath, { provider, threads, onFallback: () => {} });
  } catch (e) {
    throw new UserError(`cannot load ${modelPath}: ${describeError(e)}`, modelPath, { cause: e });
  }
  const tokenizer = await TextTokenizer.load(
    path.join(dir, files.tokenizer),
    files.tokenizerConfig ? path.join(dir, files.tokenizerConfig) : null,
  );
  const spec = {
    prefix: manifest.prefixes[side],
    maxLength: manifest.maxLength,
    pooling: manifest.pooling,
    output: files.output,
  };
  return {
    encoder: new TowerEncoder(
      opened.session,
      tokenizer,
      spec,
      `${manifest.name} ${side} tower (${files.model})`,
    ),
    active: opened.active,
    fallbackReason: opened.fallbackReason,
  };
}

const port = parentPort!;
port.on('message', async (m: WorkerRequest) => {
  if (m.type === 'close') {
    port.close();
    return;
  }
  if (m.type === 'init') {
    config = m;
    try {
      const opened = await openEncoder(m);
      encoder = opened.encoder;
      port.postMessage({
        type: 'ready',
        active: opened.active,
        fallbackReason: opened.fallbackReason,
      } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({
        type: 'error',
        id: null,
        message: describeError(e),
        user: isUserError(e),
      } satisfies WorkerReply);
    }
    return;
  }
  try {
    const { data, dim } = await encoder!.embed(m.texts);
    if (m.texts.length && dim !== config!.manifest.dim) {
      throw new UserError(
        `${config!.manifest.name}: the ${config!.side} encoder makes ${dim}-d vectors, the manifest says ${config!.manifest.dim}`,
      );
    }
    port.postMessage({ type: 'result', id: m.id, data } satisfies WorkerReply, [data.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({
      type: 'error',
      id: m.id,
      message: describeError(e),
      user: isUserError(e),
    } satisfies WorkerReply);
  }
});
