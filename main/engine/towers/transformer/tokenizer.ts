import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { UserError } from '../../errors.js';

/**
 * A Hugging Face `tokenizer.json` run by @huggingface/tokenizers (the pure-JS
 * tokenizer transformers.js uses: WordPiece, Unigram/SentencePiece and BPE,
 * no native code, no dependencies).
 *
 * The library has no truncation, so we encode without special tokens, cut the
 * content to fit, and put back the special tokens the model's post-processor
 * adds around a single sequence ([CLS] … [SEP], <s> … </s>), which we learn
 * once by encoding a probe with and without them.
 */
export class TextTokenizer {
  private constructor(
    private readonly tok: Tokenizer,
    /** Special-token ids the post-processor puts before / after a single sequence. */
    readonly head: readonly number[],
    readonly tail: readonly number[],
    readonly padId: number,
  ) {}

  static fromJson(
    tokenizerJson: unknown,
    tokenizerConfig: unknown = {},
    source = 'tokenizer.json',
  ): TextTokenizer {
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(tokenizerJson as object, (tokenizerConfig ?? {}) as object);
    } catch (e) {
      throw new UserError(
        `${source} is not a tokenizer this version can read: ${(e as Error).message}`,
        source,
        { cause: e },
      );
    }
    const probe = 'a b';
    const full = tok.encode(probe).ids;
    const content = tok.encode(probe, { add_special_tokens: false }).ids;
    const at = indexOfRun(full, content);
    if (content.length === 0 || at < 0)
      throw new UserError(`${source}: cannot find the text between its special tokens`, source);
    return new TextTokenizer(
      tok,
      full.slice(0, at),
      full.slice(at + content.length),
      padIdOf(tok, tokenizerJson),
    );
  }

  static async load(tokenizerPath: string, configPath: string | null = null): Promise<TextTokenizer> {
    const json = await readJson(tokenizerPath);
    const config = configPath ? await readJson(configPath) : {};
    return TextTokenizer.fromJson(json, config, tokenizerPath);
  }

  /**
   * Token ids of `text` with the model's special tokens, at most `maxLength`
   * of them (the content is cut at the end, as HF's `truncation=True` does).
   */
  encode(text: string, maxLength: number): number[] {
    const room = maxLength - this.head.length - this.tail.length;
    if (room < 1)
      throw new UserError(`maxLength ${maxLength} leaves no room for text between special tokens`);
    const ids = this.tok.encode(capChars(text, maxLength), { add_special_tokens: false }).ids;
    if (ids.length > room) ids.length = room;
    return [...this.head, ...ids, ...this.tail];
  }

  tokens(text: string): string[] {
    return this.tok.tokenize(text);
  }

  idOf(token: string): number | undefined {
    return this.tok.token_to_id(token);
  }
}

/** A batch padded to its longest row (dynamic padding), ready for ORT as int64 [rows, seqLen]. */
export interface PaddedBatch {
  rows: number;
  seqLen: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** All zeros: one segment per text. */
  tokenTypeIds: BigInt64Array;
}

export function padBatch(seqs: readonly (readonly number[])[], padId: number): PaddedBatch {
  const rows = seqs.length;
  const seqLen = Math.max(1, ...seqs.map((s) => s.length));
  const inputIds = new BigInt64Array(rows * seqLen).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(rows * seqLen);
  seqs.forEach((s, r) => {
    for (let j = 0; j < s.length; j++) {
      inputIds[r * seqLen + j] = BigInt(s[j]);
      attentionMask[r * seqLen + j] = 1n;
    }
  });
  return { rows, seqLen, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(rows * seqLen) };
}

// No token is anywhere near this many characters long, so text past
// maxLength × CHARS_PER_TOKEN_CAP is never reached by truncation; cutting it
// first keeps a 10 MB input from being tokenised only to be thrown away.
const CHARS_PER_TOKEN_CAP = 32;

function capChars(text: string, maxLength: number): string {
  const cap = maxLength * CHARS_PER_TOKEN_CAP;
  if (text.length <= cap) return text;
  const code = text.charCodeAt(cap - 1);
  // Never split a surrogate pair.
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? cap - 1 : cap);
}

function indexOfRun(hay: readonly number[], run: readonly number[]): number {
  outer: for (let i = 0; i + run.length <= hay.length; i++) {
    for (let j = 0; j < run.length; j++) if (hay[i + j] !== run[j]) continue outer;
    return i;
  }
  return -1;
}

function padIdOf(tok: Tokenizer, json: unknown): number {
  const declared = (json as { padding?: { pad_id?: unknown } } | null)?.padding?.pad_id;
  if (typeof declared === 'number') return declared;
  for (const t of ['[PAD]', '<pad>']) {
    const id = tok.token_to_id(t);
    if (id !== undefined) return id;
  }
  // Padding positions are masked out, so any id in range works.
  return 0;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      file,
      { cause: e },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file} is not valid JSON: ${(e as Error).message}`, file, { cause: e });
  }
}
