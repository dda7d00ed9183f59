import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildTinyEncoder, type TinyEncoder, type TinyEncoderOptions } from './tinyEncoder.js';
import { tinyWordPieceJson } from './tokenizerJson.js';

/** Words of the tiny WordPiece vocabulary (ids 5…, after [PAD] [UNK] [CLS] [SEP] [MASK]). */
export const TINY_WORDS = [
  'query',
  'passage',
  ':',
  'hello',
  'world',
  'the',
  'cat',
  'sat',
  'on',
  'mat',
  'what',
  'did',
  '?',
  '.',
  ',',
  'docqa',
  'answers',
  'questions',
  'about',
  'your',
  'documents',
  'offline',
  'represent',
  'this',
  '猫',
  '坐',
  '在',
  '垫',
  '子',
  '上',
  '文',
  '档',
  '问',
  '答',
];
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...TINY_WORDS];

/**
 * Token ids the tiny tokenizer must produce, computed without it: lower-case,
 * split into words, punctuation and single Han characters, look each up.
 */
export function tinyIds(text: string, maxLength: number): number[] {
  const pieces = text.toLowerCase().match(/\p{Script=Han}|[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
  const ids = pieces.map((p) => (VOCAB.includes(p) ? VOCAB.indexOf(p) : 1));
  return [2, ...ids.slice(0, maxLength - 2), 3];
}

/**
 * Writes what a Hugging Face hub export of the tiny encoder looks like:
 * config.json, tokenizer.json, tokenizer_config.json, onnx/<file>.
 */
export async function writeTinyExport(
  dir: string,
  options: Partial<TinyEncoderOptions> & { onnxFile?: string; extra?: Record<string, string> } = {},
): Promise<TinyEncoder> {
  const enc = buildTinyEncoder({ vocabSize: VOCAB.length, ...options });
  const onnxFile = options.onnxFile ?? 'onnx/model.onnx';
  await mkdir(path.join(dir, path.dirname(onnxFile)), { recursive: true });
  await writeFile(path.join(dir, onnxFile), enc.onnx);
  await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tinyWordPieceJson(TINY_WORDS)));
  await writeFile(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ do_lower_case: true, model_max_length: 512 }),
  );
  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      hidden_size: enc.hidden,
      max_position_embeddings: options.maxPositions ?? 128,
      vocab_size: VOCAB.length,
    }),
  );
  for (const [rel, text] of Object.entries(options.extra ?? {})) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return enc;
}
