import { copyFile, link, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { TowerEncoder } from '../towers/transformer/encoder.js';
import {
  TransformerManifestSchema,
  type FileRecord,
  type Precision,
  type TransformerManifest,
} from '../towers/transformer/manifest.js';
import type { Pooling } from '../towers/transformer/pooling.js';
import { createSession } from '../towers/sessions.js';
import { TextTokenizer } from '../towers/transformer/tokenizer.js';
import { findCatalogueEntry, type CatalogueEntry } from './catalogue.js';
import { hashFile } from '../ingest/hashFile.js';
import { packFolderName, pathExists as exists } from './paths.js';

/**
 * Turns a model folder exported from the Hugging Face hub (config.json,
 * tokenizer.json, onnx/model*.onnx, optionally sentence-transformers'
 * 1_Pooling/ and config_sentence_transformers.json) into a DocQA pack:
 * manifest.json + encoder.onnx (or question.onnx + answer.onnx for DPR-style
 * pairs) + tokenizer files, in `<modelsDir>/<name>/`.
 *
 * Everything is checked before anything is written: the tokenizer loads,
 * the encoder opens in onnxruntime, has the inputs we feed and the output we
 * read, and embeds a probe text to a vector of the expected size.
 */
export interface ImportOptions {
  modelsDir: string;
  /** Pack name (folder name); default the catalogue id, else the folder's name. */
  name?: string;
  /** Which ONNX file: the precision's usual file name, or `onnxFile` exactly. */
  precision?: Precision;
  onnxFile?: string;
  /** Settings; default from the catalogue entry, then sentence-transformers files, then mean/no prefixes. */
  catalogueId?: string;
  pooling?: Pooling;
  questionPrefix?: string;
  answerPrefix?: string;
  maxLength?: number;
  license?: string;
  /** A separate question encoder export (DPR-style); `src` is then the context (answer) encoder. */
  questionFolder?: string;
  /** Replace an installed pack of the same name. */
  force?: boolean;
  /** Move files instead of linking/copying them (the downloader's staging folder). */
  move?: boolean;
  /** sha256 already verified for files of `src` (relative path → record), to skip re-hashing. */
  knownFiles?: Record<string, FileRecord>;
  source?: { repo?: string | null; revision?: string | null };
}

export interface ImportedPack {
  dir: string;
  manifest: TransformerManifest;
}

const ONNX_BY_PRECISION: Record<Precision, string[]> = {
  int8: [
    'onnx/model_quantized.onnx',
    'onnx/model_int8.onnx',
    'onnx/model_uint8.onnx',
    'model_quantized.onnx',
    'model_int8.onnx',
  ],
  fp32: ['onnx/model.onnx', 'model.onnx'],
  fp16: ['onnx/model_fp16.onnx', 'model_fp16.onnx'],
};

interface ExportFolder {
  dir: string;
  onnx: string;
  precision: Precision;
  tokenizer: string;
  tokenizerConfig: string | null;
  config: Record<string, unknown> | null;
}

export async function importFolder(src: string, options: ImportOptions): Promise<ImportedPack> {
  const answer = await readExport(src, options);
  const question = options.questionFolder ? await readExport(options.questionFolder, options) : null;
  const entry = resolveCatalogue(options, answer);
  const st = await sentenceTransformersSettings(src);
  const pooling = options.pooling ?? entry?.pooling ?? st.pooling ?? (question ? 'cls' : 'mean');
  const prefixes = {
    question: options.questionPrefix ?? entry?.prefixes.question ?? st.prefixes?.question ?? '',
    answer: options.answerPrefix ?? entry?.prefixes.answer ?? st.prefixes?.answer ?? '',
  };
  const maxLength = options.maxLength ?? entry?.maxLength ?? defaultMaxLength(answer);
  const output = pooling === 'none' ? 'sentence_embedding' : 'last_hidden_state';

  const dim = await probeEncoder(answer, { prefix: prefixes.answer, maxLength, pooling, output });
  if (question) {
    const qdim = await probeEncoder(question, { prefix: prefixes.question, maxLength, pooling, output });
    if (qdim !== dim)
      throw new UserError(
        `question encoder makes ${qdim}-d vectors, the context encoder ${dim}-d: they cannot be paired`,
        options.questionFolder,
      );
  }

  const name = options.name ?? entry?.id ?? path.basename(path.resolve(src));
  const folder = packFolderName(name);
  const dest = path.join(options.modelsDir, folder);
  if (!options.force && (await exists(dest)))
    throw new UserError(
      `a pack named "${folder}" is already installed at ${dest} (use --force to replace it, or --name)`,
      dest,
    );

  await mkdir(options.modelsDir, { recursive: true });
  const tmp = path.join(options.modelsDir, `.import-${folder}-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    const files: Record<string, FileRecord> = {};
    const put = async (from: ExportFolder, rel: string, as: string) => {
      files[as] = await placeFile(
        path.join(from.dir, rel),
        path.join(tmp, as),
        options.move ?? false,
        from === answer ? options.knownFiles?.[rel] : undefined,
      );
    };
    const towers = {} as TransformerManifest['transformer'];
    const placeTower = async (from: ExportFolder, modelAs: string, tokPrefix: string) => {
      await put(from, from.onnx, modelAs);
      for (const extra of await externalDataFiles(from)) await put(from, extra.rel, extra.as);
      await put(from, from.tokenizer, `${tokPrefix}tokenizer.json`);
      if (from.tokenizerConfig) await put(from, from.tokenizerConfig, `${tokPrefix}tokenizer_config.json`);
      return {
        model: modelAs,
        tokenizer: `${tokPrefix}tokenizer.json`,
        tokenizerConfig: from.tokenizerConfig ? `${tokPrefix}tokenizer_config.json` : null,
        output,
      };
    };
    if (question) {
      towers.answer = await placeTower(answer, 'answer.onnx', '');
      towers.question = await placeTower(question, 'question.onnx', 'question-');
    } else {
      towers.answer = await placeTower(answer, 'encoder.onnx', '');
      towers.question = towers.answer;
    }
    towers.precision = answer.precision;
    towers.source = {
      repo: options.source?.repo ?? entry?.repo ?? null,
      revision: options.source?.revision ?? null,
      catalogueId: entry?.id ?? null,
    };

    const manifest = TransformerManifestSchema.parse({
      name: folder,
      version: shortRevision(options.source?.revision) ?? '1',
      kind: 'transformer',
      dim,
      pooling,
      prefixes,
      normalization: 'l2',
      maxLength,
      license:
        options.license ??
        entry?.license ??
        (await licenseFromReadme(src)) ??
        'unknown (see the source model card)',
      attribution: entry?.attribution ?? [
        `Imported from ${path.resolve(src)}${options.questionFolder ? ` and ${path.resolve(options.questionFolder)}` : ''}`,
      ],
      trainingData: entry?.trainingData ?? [],
      metrics: {},
      files,
      created: new Date().toISOString(),
      transformer: towers,
    });
    await writeFile(path.join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (options.force) await rm(dest, { recursive: true, force: true });
    await rename(tmp, dest);
    return { dir: dest, manifest };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function readExport(dir: string, options: ImportOptions): Promise<ExportFolder> {
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new UserError(`model folder not found: ${dir}`, dir);
  const tokenizer = 'tokenizer.json';
  if (!(await exists(path.join(dir, tokenizer)))) {
    throw new UserError(
      `${dir} has no tokenizer.json (export the model with a fast tokenizer, e.g. from the Hugging Face hub folder)`,
      dir,
    );
  }
  const tokenizerConfig = (await exists(path.join(dir, 'tokenizer_config.json')))
    ? 'tokenizer_config.json'
    : null;
  const config = (await exists(path.join(dir, 'config.json')))
    ? await readJsonObject(path.join(dir, 'config.json'))
    : null;

  let onnx: string | undefined;
  let precision: Precision | undefined = options.precision;
  if (options.onnxFile) {
    onnx = options.onnxFile;
    if (!(await exists(path.join(dir, onnx))))
      throw new UserError(`${path.join(dir, onnx)} does not exist`, onnx);
    precision ??= /fp16/.test(onnx) ? 'fp16' : /int8|uint8|quant/.test(onnx) ? 'int8' : 'fp32';
  } else {
    const order: Precision[] = precision ? [precision] : ['int8', 'fp32', 'fp16'];
    for (const p of order) {
      for (const rel of ONNX_BY_PRECISION[p]) {
        if (await exists(path.join(dir, rel))) {
          onnx = rel;
          precision = p;
          break;
        }
      }
      if (onnx) break;
    }
    if (!onnx) {
      const looked = order.flatMap((p) => ONNX_BY_PRECISION[p]).join(', ');
      throw new UserError(
        `${dir} has no ONNX encoder${options.precision ? ` for ${options.precision}` : ''} (looked for ${looked}; pass --onnx <file> for another name)`,
        dir,
      );
    }
  }
  return { dir, onnx, precision: precision!, tokenizer, tokenizerConfig, config };
}

async function probeEncoder(
  folder: ExportFolder,
  spec: { prefix: string; maxLength: number; pooling: Pooling; output: string },
): Promise<number> {
  const tokenizer = await TextTokenizer.load(
    path.join(folder.dir, folder.tokenizer),
    folder.tokenizerConfig ? path.join(folder.dir, folder.tokenizerConfig) : null,
  );
  const modelPath = path.join(folder.dir, folder.onnx);
  let session;
  try {
    ({ session } = await createSession(modelPath, { provider: 'cpu', threads: 1 }));
  } catch (e) {
    throw new UserError(
      `${modelPath} is not a loadable ONNX model: ${(e as Error).message.split('\n')[0]}`,
      modelPath,
      { cause: e },
    );
  }
  try {
    const { data, dim } = await new TowerEncoder(session, tokenizer, spec, modelPath).embed([
      'DocQA import check 导入检查',
    ]);
    if (!data.every(Number.isFinite))
      throw new UserError(`${modelPath} produced non-finite values on a probe text`, modelPath);
    const hidden = folder.config?.hidden_size;
    if (typeof hidden === 'number' && spec.pooling !== 'none' && hidden !== dim) {
      throw new UserError(
        `${modelPath} makes ${dim}-d vectors but config.json says hidden_size ${hidden}`,
        modelPath,
      );
    }
    return dim;
  } finally {
    await session.release();
  }
}

function resolveCatalogue(options: ImportOptions, folder: ExportFolder): CatalogueEntry | undefined {
  if (options.catalogueId) {
    const e = findCatalogueEntry(options.catalogueId);
    if (!e)
      throw new UserError(
        `unknown catalogue id "${options.catalogueId}" (see docqa models list)`,
        options.catalogueId,
      );
    return e;
  }
  const named = folder.config?._name_or_path;
  return (
    (typeof named === 'string' && findCatalogueEntry(named)) ||
    findCatalogueEntry(path.basename(path.resolve(folder.dir)))
  );
}

/** sentence-transformers' own record of pooling and query/passage prompts, when the export carries it. */
async function sentenceTransformersSettings(
  dir: string,
): Promise<{ pooling?: Pooling; prefixes?: { question: string; answer: string } }> {
  const out: { pooling?: Pooling; prefixes?: { question: string; answer: string } } = {};
  const poolingFile = path.join(dir, '1_Pooling', 'config.json');
  if (await exists(poolingFile)) {
    const p = await readJsonObject(poolingFile);
    if (p.pooling_mode_cls_token === true) out.pooling = 'cls';
    else if (p.pooling_mode_mean_tokens === true) out.pooling = 'mean';
  }
  const stFile = path.join(dir, 'config_sentence_transformers.json');
  if (await exists(stFile)) {
    const prompts = (await readJsonObject(stFile)).prompts as Record<string, unknown> | undefined;
    const q = prompts?.query;
    const a = prompts?.passage ?? prompts?.document;
    if (typeof q === 'string' || typeof a === 'string')
      out.prefixes = { question: typeof q === 'string' ? q : '', answer: typeof a === 'string' ? a : '' };
  }
  return out;
}

function defaultMaxLength(folder: ExportFolder): number {
  const limits = [512];
  const positions = folder.config?.max_position_embeddings;
  // RoBERTa-family position ids start after the padding index, so two positions are unusable.
  const offset = /roberta/.test(String(folder.config?.model_type ?? '')) ? 2 : 0;
  if (typeof positions === 'number') limits.push(positions - offset);
  return Math.max(4, Math.min(...limits));
}

/** ONNX external-data files (`model.onnx_data`, `model.onnx.data`) keep their names: the model refers to them by name. */
async function externalDataFiles(folder: ExportFolder): Promise<{ rel: string; as: string }[]> {
  const dir = path.dirname(path.join(folder.dir, folder.onnx));
  const base = path.basename(folder.onnx);
  const names = await readdir(dir);
  return names
    .filter((n) => n === `${base}_data` || n === `${base}.data`)
    .map((n) => ({ rel: path.join(path.dirname(folder.onnx), n), as: n }));
}

async function placeFile(from: string, to: string, move: boolean, known?: FileRecord): Promise<FileRecord> {
  const record = known ?? { sha256: await hashFile(from), bytes: (await stat(from)).size };
  if (move) await rename(from, to).catch(() => copyFile(from, to));
  else await link(from, to).catch(() => copyFile(from, to));
  return record;
}

async function licenseFromReadme(dir: string): Promise<string | null> {
  const text = await readFile(path.join(dir, 'README.md'), 'utf8').catch(() => '');
  const front = /^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? '';
  return /^license:\s*["']?([\w.+-]+)/m.exec(front)?.[1]?.toUpperCase() ?? null;
}

function shortRevision(rev: string | null | undefined): string | null {
  if (!rev) return null;
  return /^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 12) : rev;
}

async function readJsonObject(file: string): Promise<Record<string, unknown>> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file} is not valid JSON: ${(e as Error).message}`, file, { cause: e });
  }
  throw new UserError(`${file} is not a JSON object`, file);
}
