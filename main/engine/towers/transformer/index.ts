import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../errors.js';
import type { ProviderName } from '../../vocabulary/values.js';
import type { OpenPackOptions, TowerId, TowerPack } from '../types.js';
import { parseTransformerManifest, type TowerSide, type TransformerManifest } from './manifest.js';
import { EncoderPool } from './pool.js';

// Answer batches are cut into tasks this size so several workers can share one big call.
const ANSWER_TASK_TEXTS = 64;
// Every answer worker holds its own copy of the model (up to ~1 GB for
// e5-base fp32) and ORT's intra-op threads already use the cores, so more
// than two buys little and costs memory.
const MAX_ANSWER_WORKERS = 2;

/**
 * Per-tower provider choice: `provider` runs the answer tower (bulk
 * embedding, where a GPU pays off) and, unless `questionProvider` says
 * otherwise, the question tower too. (`questionProvider` is requested for
 * OpenPackOptions; until then callers pass it through this wider type.)
 */
export type TransformerOpenOptions = OpenPackOptions & { questionProvider?: ProviderName };

/**
 * Opens a `kind: "transformer"` pack: ONNX encoder(s) + tokenizer, run in
 * worker threads — `workers` for passages and one of its own for questions
 * (for a shared encoder that is one more copy of the model, the price of
 * questions that never wait behind indexing). Dispatched to by the towers
 * runtime's openPack(). `provider` reports the answer tower's execution provider.
 */
export async function openTransformerPack(
  dir: string,
  rawManifest: Record<string, unknown>,
  options: TransformerOpenOptions = {},
): Promise<TowerPack> {
  const manifest = parseTransformerManifest(rawManifest, dir);
  await checkFiles(dir, manifest);
  const workers = Math.min(MAX_ANSWER_WORKERS, Math.max(1, options.workers ?? 1));
  const threads = options.threads ?? Math.max(1, Math.floor(os.availableParallelism() / workers));
  const requested = options.provider ?? 'auto';
  const started = await Promise.allSettled([
    EncoderPool.start(workers, { side: 'answer', dir, manifest, provider: requested, threads }),
    // One thread: a question is short, and the passage workers keep the cores busy while indexing.
    EncoderPool.start(1, {
      side: 'question',
      dir,
      manifest,
      provider: options.questionProvider ?? requested,
      threads: 1,
    }),
  ]);
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.pool.close() : undefined)));
    throw failed.reason;
  }
  const [answers, questions] = started.map(
    (r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof EncoderPool.start>>>).value,
  );
  const { active, fallbackReason } = answers;

  const embedAnswers = async (texts: string[]): Promise<Float32Array> => {
    const parts: Promise<Float32Array>[] = [];
    for (let i = 0; i < texts.length; i += ANSWER_TASK_TEXTS)
      parts.push(answers.pool.run(texts.slice(i, i + ANSWER_TASK_TEXTS)));
    const rows = await Promise.all(parts);
    const out = new Float32Array(texts.length * manifest.dim);
    let at = 0;
    for (const r of rows) {
      out.set(r, at);
      at += r.length;
    }
    return out;
  };

  return {
    dir,
    name: manifest.name,
    version: manifest.version,
    kind: 'transformer',
    dim: manifest.dim,
    questionTower: towerId(manifest, 'question'),
    answerTower: towerId(manifest, 'answer'),
    provider: { requested, active, fallbackReason },
    manifest: rawManifest,
    embedQuestions: (texts) => questions.pool.run(texts),
    embedAnswers,
    close: async () => {
      await Promise.all([answers.pool.close(), questions.pool.close()]);
    },
  };
}

/**
 * A tower's identity: the sha256 of the files it reads (as recorded and
 * verified when the pack was installed) and every setting that changes its
 * vectors. The question tower's prefix is not part of the answer tower's
 * hash, so a question-side change never forces re-embedding.
 */
export function towerId(m: TransformerManifest, side: TowerSide): TowerId {
  const t = m.transformer[side];
  const sha = (f: string | null) => (f ? m.files[f].sha256 : null);
  const spec = {
    kind: 'transformer',
    model: sha(t.model),
    tokenizer: sha(t.tokenizer),
    tokenizerConfig: sha(t.tokenizerConfig),
    output: t.output,
    pooling: m.pooling,
    prefix: m.prefixes[side],
    maxLength: m.maxLength,
    normalization: m.normalization,
  };
  return {
    pack: m.name,
    version: m.version,
    hash: createHash('sha256').update(JSON.stringify(spec)).digest('hex'),
  };
}

/**
 * Every listed file is present at its recorded size. (Hashing a 1 GB model
 * at every start would cost seconds; contents were verified at install.)
 */
async function checkFiles(dir: string, m: TransformerManifest): Promise<void> {
  for (const [rel, rec] of Object.entries(m.files)) {
    const file = path.join(dir, rel);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw new UserError(`pack ${dir} is incomplete: ${rel} is missing; import or download it again`, file);
    }
    if (size !== rec.bytes)
      throw new UserError(
        `pack ${dir} is damaged: ${rel} has ${size} bytes, the manifest says ${rec.bytes}; import or download it again`,
        file,
      );
  }
}
