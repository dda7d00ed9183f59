import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../errors.js';
import type { ProviderName } from '../../library/types.js';
import type { OpenPackOptions, TowerId, TowerPack } from '../types.js';
import { parseTransformerManifest, type TowerSide, type TransformerManifest } from './manifest.js';
import { EncoderPool } from './pool.js';

// Answer batches are cut into tasks this size so a question can slip in
// between them and several workers can share one big call.
const ANSWER_TASK_TEXTS = 64;

/**
 * Per-tower provider choice: `provider` runs the answer tower (bulk
 * embedding, where a GPU pays off) and, unless `questionProvider` says
 * otherwise, the question tower too. (`questionProvider` is requested for
 * OpenPackOptions; until then callers pass it through this wider type.)
 */
export type TransformerOpenOptions = OpenPackOptions & { questionProvider?: ProviderName };

/**
 * Opens a `kind: "transformer"` pack: ONNX encoder(s) + tokenizer, run in
 * worker threads. Dispatched to by the towers runtime's openPack().
 * `provider` reports the answer tower's execution provider.
 */
export async function openTransformerPack(dir: string, rawManifest: Record<string, unknown>, options: TransformerOpenOptions = {}): Promise<TowerPack> {
  const manifest = parseTransformerManifest(rawManifest, dir);
  await checkFiles(dir, manifest);
  const workers = Math.max(1, options.workers ?? 1);
  const threads = options.threads ?? Math.max(1, Math.floor(os.availableParallelism() / workers));
  const requested = options.provider ?? 'auto';
  const providers = { answer: requested, question: options.questionProvider ?? requested };
  const { pool, active, fallbackReason } = await EncoderPool.start(workers, { dir, manifest, providers, threads });

  const embedAnswers = async (texts: string[]): Promise<Float32Array> => {
    const parts: Promise<Float32Array>[] = [];
    for (let i = 0; i < texts.length; i += ANSWER_TASK_TEXTS) parts.push(pool.run('answer', texts.slice(i, i + ANSWER_TASK_TEXTS)));
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
    embedQuestions: (texts) => pool.run('question', texts, true),
    embedAnswers,
    close: () => pool.close(),
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
  return { pack: m.name, version: m.version, hash: createHash('sha256').update(JSON.stringify(spec)).digest('hex') };
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
    if (size !== rec.bytes) throw new UserError(`pack ${dir} is damaged: ${rel} has ${size} bytes, the manifest says ${rec.bytes}; import or download it again`, file);
  }
}
