/**
 * An in-memory Okapi BM25 index over pre-tokenised documents, for the held-out
 * baseline and for mining hard negatives. Not the product's search path (that is
 * SQLite FTS5); the parameters of the measured BM25 baseline (k1=1.2, b=0.75).
 */
export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface Hit {
  doc: number;
  score: number;
}

export class Bm25Index {
  readonly docCount: number;
  private readonly vocab = new Map<string, number>();
  private readonly idf: Float64Array;
  /** Postings per term: doc ids and precomputed BM25 term weights. */
  private readonly postDocs: Int32Array[];
  private readonly postWeights: Float32Array[];
  private readonly scratch: Float64Array;

  constructor(docs: string[][], options: Bm25Options = {}) {
    const k1 = options.k1 ?? 1.2;
    const b = options.b ?? 0.75;
    this.docCount = docs.length;
    const lengths = new Float64Array(docs.length);
    const docsTf: Map<number, number>[] = [];
    const df: number[] = [];
    let total = 0;
    docs.forEach((tokens, d) => {
      lengths[d] = tokens.length;
      total += tokens.length;
      const tf = new Map<number, number>();
      for (const t of tokens) {
        let id = this.vocab.get(t);
        if (id === undefined) {
          id = this.vocab.size;
          this.vocab.set(t, id);
          df.push(0);
        }
        tf.set(id, (tf.get(id) ?? 0) + 1);
      }
      for (const id of tf.keys()) df[id]!++;
      docsTf.push(tf);
    });
    const avgLength = docs.length > 0 ? total / docs.length || 1 : 1;
    const n = docs.length;
    this.idf = Float64Array.from(df, (f) => Math.log(1 + (n - f + 0.5) / (f + 0.5)));
    const counts = new Int32Array(df.length);
    this.postDocs = df.map((f) => new Int32Array(f));
    this.postWeights = df.map((f) => new Float32Array(f));
    docsTf.forEach((tf, d) => {
      const norm = k1 * (1 - b + (b * lengths[d]!) / avgLength);
      for (const [id, f] of tf) {
        const slot = counts[id]!++;
        this.postDocs[id]![slot] = d;
        this.postWeights[id]![slot] = (this.idf[id]! * f * (k1 + 1)) / (f + norm);
      }
    });
    this.scratch = new Float64Array(n);
  }

  /** Inverse document frequency of a token (0 when unseen). */
  idfOf(token: string): number {
    const id = this.vocab.get(token);
    return id === undefined ? 0 : this.idf[id]!;
  }

  /** BM25 score of every document for the query tokens (repeated tokens count again, like FTS5). */
  scoreAll(query: string[], out: Float64Array = new Float64Array(this.docCount)): Float64Array {
    out.fill(0);
    for (const t of query) {
      const id = this.vocab.get(t);
      if (id === undefined) continue;
      const docsOf = this.postDocs[id]!;
      const weights = this.postWeights[id]!;
      for (let i = 0; i < docsOf.length; i++) out[docsOf[i]!]! += weights[i]!;
    }
    return out;
  }

  /** The k best documents with a positive score, best first (ties by doc id). */
  search(query: string[], k: number): Hit[] {
    const scores = this.scoreAll(query, this.scratch);
    return topK(scores, k).filter((h) => h.score > 0);
  }
}

/** Indices of the k largest values, best first, ties by lower index. */
export function topK(scores: ArrayLike<number>, k: number): Hit[] {
  const heap: Hit[] = [];
  const worse = (a: Hit, c: Hit): boolean => a.score < c.score || (a.score === c.score && a.doc > c.doc);
  for (let d = 0; d < scores.length; d++) {
    const s = scores[d]!;
    if (heap.length === k && !worse(heap[0]!, { doc: d, score: s })) continue;
    const hit = { doc: d, score: s };
    if (heap.length < k) {
      heap.push(hit);
      siftUp(heap, heap.length - 1, worse);
    } else {
      heap[0] = hit;
      siftDown(heap, 0, worse);
    }
  }
  return heap.sort((a, c) => (worse(a, c) ? 1 : worse(c, a) ? -1 : 0));
}

function siftUp(h: Hit[], i: number, worse: (a: Hit, b: Hit) => boolean): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!worse(h[i]!, h[p]!)) break;
    [h[i], h[p]] = [h[p]!, h[i]!];
    i = p;
  }
}

function siftDown(h: Hit[], i: number, worse: (a: Hit, b: Hit) => boolean): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && worse(h[l]!, h[m]!)) m = l;
    if (r < h.length && worse(h[r]!, h[m]!)) m = r;
    if (m === i) return;
    [h[i], h[m]] = [h[m]!, h[i]!];
    i = m;
  }
}
