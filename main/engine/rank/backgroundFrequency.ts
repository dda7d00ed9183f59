/**
 * How common a term is in general text, from a background corpus (the training
 * passages), kept as a hashed table of document frequencies. It tells a word
 * missing from the library that people use all the time ("letters", "ages": a
 * paraphrase) from one that names a specific thing ("docker", "moodle": the
 * documents likely do not cover it), which the not-found decision weighs.
 */
export const BACKGROUND_FORMAT = 'docqa-background-df-1';

/** FNV-1a over UTF-16 code units. */
export function termHash(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class BackgroundFrequency {
  private readonly mask: number;

  constructor(
    private readonly counts: Uint16Array,
    /** Passages the counts were taken from. */
    readonly passages: number,
  ) {
    if (counts.length & (counts.length - 1)) throw new Error('background table size must be a power of two');
    this.mask = counts.length - 1;
  }

  static build(passageTerms: Iterable<Iterable<string>>, log2Buckets: number): BackgroundFrequency {
    const counts = new Uint16Array(1 << log2Buckets);
    const mask = counts.length - 1;
    let passages = 0;
    for (const terms of passageTerms) {
      passages++;
      for (const t of new Set(terms)) {
        const b = termHash(t) & mask;
        if (counts[b] < 0xffff) counts[b]++;
      }
    }
    return new BackgroundFrequency(counts, passages);
  }

  /** File bytes: little-endian uint32 passages, uint32 log2 buckets, then the uint16 counts. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(8 + this.counts.length * 2);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.passages, true);
    view.setUint32(4, Math.log2(this.counts.length), true);
    for (let i = 0; i < this.counts.length; i++) view.setUint16(8 + i * 2, this.counts[i], true);
    return out;
  }

  static fromBytes(bytes: Uint8Array): BackgroundFrequency {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const log2 = view.getUint32(4, true);
    if (log2 < 8 || log2 > 24 || bytes.byteLength !== 8 + (1 << log2) * 2)
      throw new Error('background frequency table is damaged');
    const counts = new Uint16Array(1 << log2);
    for (let i = 0; i < counts.length; i++) counts[i] = view.getUint16(8 + i * 2, true);
    return new BackgroundFrequency(counts, view.getUint32(0, true));
  }

  /** 0 for a term in every background passage, 1 for one in none. */
  specificity(term: string): number {
    const df = this.counts[termHash(term) & this.mask];
    return Math.log((this.passages + 1) / (df + 1)) / Math.log(this.passages + 1);
  }
}
