import { parentPort } from 'node:worker_threads';
import path from 'node:path';
import { describeError, UserError } from '../../errors.js';
import type { ProviderName } from '../../vocabulary/values.js';
import { serveRpc, Transferred } from '../../workers/rpc.js';
import { TowerEncoder } from './encoder.js';
import type { TowerSide, TransformerManifest } from './manifest.js';
import { createSession } from '../sessions.js';
import { TextTokenizer } from './tokenizer.js';

/**
 * Runs one tower of a transformer pack off the caller's thread (ORT's run()
 * blocks). Texts in, L2-normalised rows out; tokenisation happens here too.
 */
export interface EncoderInit {
  side: TowerSide;
  dir: string;
  manifest: TransformerManifest;
  provider: ProviderName;
  threads: number;
}

/** What this worker serves: `init` once, then `embed`. */
export type EncoderMethods = {
  init: { params: EncoderInit; result: { active: string; fallbackReason: string | null } };
  embed: { params: string[]; result: Float32Array };
};

let config: EncoderInit | null = null;
let encoder: TowerEncoder | null = null;

async function openEncoder(
  init: EncoderInit,
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

serveRpc<EncoderMethods>(parentPort!, {
  init: async (init) => {
    config = init;
    const opened = await openEncoder(init);
    encoder = opened.encoder;
    return { active: opened.active, fallbackReason: opened.fallbackReason };
  },
  embed: async (texts) => {
    const { data, dim } = await encoder!.embed(texts);
    if (texts.length && dim !== config!.manifest.dim) {
      throw new UserError(
        `${config!.manifest.name}: the ${config!.side} encoder makes ${dim}-d vectors, the manifest says ${config!.manifest.dim}`,
      );
    }
    return new Transferred(data, [data.buffer as ArrayBuffer]);
  },
});
