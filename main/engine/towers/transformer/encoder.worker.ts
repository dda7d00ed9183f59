import { parentPort } from 'node:worker_threads';
import path from 'node:path';
import { describeError, isUserError, UserError } from '../../errors.js';
import type { ProviderName } from '../../library/types.js';
import { TowerEncoder } from './encoder.js';
import type { TowerSide, TransformerManifest } from './manifest.js';
import { createSession } from '../sessions.js';
import { TextTokenizer } from './tokenizer.js';

/**
 * Runs a transformer pack's encoders off the caller's thread (ORT's run()
 * blocks). Texts in, L2-normalised rows out; tokenisation happens here too.
 * Sessions are opened per model file on first use, so a shared-encoder pack
 * holds one session for both towers.
 */
export type WorkerRequest =
  | { type: 'init'; dir: string; manifest: TransformerManifest; providers: Record<TowerSide, ProviderName>; threads: number }
  | { type: 'embed'; id: number; side: TowerSide; texts: string[] };

export type WorkerReply =
  | { type: 'ready'; active: string; fallbackReason: string | null }
  | { type: 'result'; id: number; data: Float32Array }
  | { type: 'error'; id: number | null; message: string; user: boolean };

let config: Extract<WorkerRequest, { type: 'init' }> | null = null;
const sessions = new Map<string, ReturnType<typeof createSession>>();
const encoders = new Map<TowerSide, Promise<TowerEncoder>>();

function encoderFor(side: TowerSide): Promise<TowerEncoder> {
  let enc = encoders.get(side);
  if (!enc) {
    enc = openEncoder(side);
    encoders.set(side, enc);
  }
  return enc;
}

async function openEncoder(side: TowerSide): Promise<TowerEncoder> {
  const { dir, manifest, providers, threads } = config!;
  const files = manifest.transformer[side];
  const modelPath = path.join(dir, files.model);
  const provider = providers[side];
  // One session per model file and provider: a shared encoder with one provider serves both towers.
  const key = `${provider}:${modelPath}`;
  let session = sessions.get(key);
  if (!session) {
    // The fallback reason travels back in the ready message and is shown by status; no log line here.
    session = createSession(modelPath, { provider, threads, onFallback: () => {} }).catch((e: unknown) => {
      throw new UserError(`cannot load ${modelPath}: ${describeError(e)}`, modelPath, { cause: e });
    });
    sessions.set(key, session);
  }
  const tokenizer = await TextTokenizer.load(path.join(dir, files.tokenizer), files.tokenizerConfig ? path.join(dir, files.tokenizerConfig) : null);
  const spec = { prefix: manifest.prefixes[side], maxLength: manifest.maxLength, pooling: manifest.pooling, output: files.output };
  return new TowerEncoder((await session).session, tokenizer, spec, `${manifest.name} ${side} tower (${files.model})`);
}

const port = parentPort!;
port.on('message', async (m: WorkerRequest) => {
  if (m.type === 'init') {
    config = m;
    try {
      await encoderFor('answer');
      const s = await sessions.get(`${m.providers.answer}:${path.join(m.dir, m.manifest.transformer.answer.model)}`)!;
      port.postMessage({ type: 'ready', active: s.active, fallbackReason: s.fallbackReason } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ type: 'error', id: null, message: describeError(e), user: isUserError(e) } satisfies WorkerReply);
    }
    return;
  }
  try {
    const { data, dim } = await (await encoderFor(m.side)).embed(m.texts);
    if (m.texts.length && dim !== config!.manifest.dim) {
      throw new UserError(`${config!.manifest.name}: the ${m.side} encoder makes ${dim}-d vectors, the manifest says ${config!.manifest.dim}`);
    }
    port.postMessage({ type: 'result', id: m.id, data } satisfies WorkerReply, [data.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ type: 'error', id: m.id, message: describeError(e), user: isUserError(e) } satisfies WorkerReply);
  }
});
