import * as ort from 'onnxruntime-node';
import { UserError } from '../../errors.js';
import { fromFloat16Bits } from '../onnx/float16.js';
import { poolAndNormalize, type Pooling } from './pooling.js';
import { padBatch, type TextTokenizer } from './tokenizer.js';

/** How one tower turns text into a vector (prefix, truncation, pooling, which output). */
export interface EncoderSpec {
  prefix: string;
  maxLength: number;
  pooling: Pooling;
  output: string;
}

// Attention costs rows × heads × seqLen² floats: cap tokens per run so a batch
// of 512-token passages stays around a hundred MB, and rows so short texts
// still batch well.
const MAX_ROWS = 32;
const MAX_TOKENS_PER_RUN = 4096;

const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

/**
 * One ONNX encoder + its tokenizer. `embed` tokenises, sorts texts by length
 * so each batch pads only to its own longest row, runs the session, pools,
 * L2-normalises and returns rows in input order. Runs on the calling thread:
 * the pack puts it inside a worker.
 */
export class TowerEncoder {
  private readonly feedsTokenTypes: boolean;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: TextTokenizer,
    readonly spec: EncoderSpec,
    private readonly label = 'encoder',
  ) {
    const inputs = session.inputNames;
    const unknown = inputs.filter((n) => !KNOWN_INPUTS.has(n));
    if (!inputs.includes('input_ids') || !inputs.includes('attention_mask') || unknown.length) {
      throw new UserError(
        `${label}: expected inputs input_ids, attention_mask[, token_type_ids], found ${inputs.join(', ') || 'none'}`,
        label,
      );
    }
    if (!session.outputNames.includes(spec.output)) {
      throw new UserError(
        `${label}: has no output "${spec.output}" (outputs: ${session.outputNames.join(', ')})`,
        label,
      );
    }
    this.feedsTokenTypes = inputs.includes('token_type_ids');
  }

  async embed(texts: readonly string[]): Promise<{ data: Float32Array; dim: number }> {
    const seqs = texts.map((t) => this.tokenizer.encode(this.spec.prefix + t, this.spec.maxLength));
    const order = seqs.map((_, i) => i).sort((a, b) => seqs[a].length - seqs[b].length);
    let out: Float32Array | null = null;
    let dim = 0;
    for (let start = 0; start < order.length;) {
      let end = start + 1;
      while (
        end < order.length &&
        end - start < MAX_ROWS &&
        (end - start + 1) * seqs[order[end]].length <= MAX_TOKENS_PER_RUN
      )
        end++;
      const idx = order.slice(start, end);
      const rows = await this.run(idx.map((i) => seqs[i]));
      if (!out) {
        dim = rows.length / idx.length;
        out = new Float32Array(texts.length * dim);
      }
      idx.forEach((orig, r) => out!.set(rows.subarray(r * dim, (r + 1) * dim), orig * dim));
      start = end;
    }
    return { data: out ?? new Float32Array(0), dim };
  }

  private async run(seqs: number[][]): Promise<Float32Array> {
    const b = padBatch(seqs, this.tokenizer.padId);
    const dims = [b.rows, b.seqLen];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', b.inputIds, dims),
      attention_mask: new ort.Tensor('int64', b.attentionMask, dims),
    };
    if (this.feedsTokenTypes) feeds.token_type_ids = new ort.Tensor('int64', b.tokenTypeIds, dims);
    const result = await this.session.run(feeds, [this.spec.output]);
    const t = result[this.spec.output];
    const data =
      t.type === 'float16'
        ? Float32Array.from(t.data as Uint16Array, fromFloat16Bits)
        : t.type === 'float32'
          ? (t.data as Float32Array)
          : null;
    const pooled = this.spec.pooling === 'none';
    if (
      !data ||
      t.dims.length !== (pooled ? 2 : 3) ||
      t.dims[0] !== b.rows ||
      (!pooled && t.dims[1] !== b.seqLen)
    ) {
      throw new UserError(
        `${this.label}: output "${this.spec.output}" is ${t.type} [${t.dims.join(', ')}], expected float [rows${pooled ? '' : ', tokens'}, dim] for pooling "${this.spec.pooling}"`,
        this.label,
      );
    }
    const width = t.dims[t.dims.length - 1];
    return poolAndNormalize(
      { data, rows: b.rows, seqLen: pooled ? 1 : b.seqLen, width },
      b.attentionMask,
      this.spec.pooling,
    );
  }
}
