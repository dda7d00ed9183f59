import type { SearchMode } from '../library/types.js';

/** One recalled chunk with the evidence each channel found for it. */
export interface Candidate {
  chunkId: number;
  /** BM25 score (positive, larger = better); absent when no question term occurs in the chunk. */
  bm25?: number;
  /** Cosine similarity with the question vector; absent when the dense channel is off. */
  dense?: number;
}

export interface RankedCandidate extends Candidate {
  score: number;
}

export interface RankInput {
  question: string;
  mode: SearchMode;
  candidates: Candidate[];
}

/**
 * Stage 2: orders the recalled candidates. The seam for a learned ranker or a
 * cross-encoder pack: it gets the question and every candidate with its
 * channel scores (and may look up the chunk texts itself).
 */
export interface Ranker {
  readonly name: string;
  rank(input: RankInput): Promise<RankedCandidate[]> | RankedCandidate[];
}

/**
 * Score fusion (DESIGN §5): BM25 divided by the query's best BM25 score, plus
 * `denseWeight` × cosine, over the union of both channels' candidates. Plain RRF
 * was measured to lower BM25's hit@1 when the dense channel is weak; this does
 * not (weights chosen on the dev sets, see docs/engine.md).
 */
export class ScoreFusionRanker implements Ranker {
  readonly name = 'score-fusion';

  constructor(readonly denseWeight: number) {}

  rank({ mode, candidates }: RankInput): RankedCandidate[] {
    let topBm25 = 0;
    for (const c of candidates) if ((c.bm25 ?? 0) > topBm25) topBm25 = c.bm25!;
    const scored = candidates.map((c) => {
      let score: number;
      if (mode === 'bm25') score = c.bm25 ?? 0;
      else if (mode === 'dense') score = c.dense ?? -1;
      else score = (topBm25 > 0 ? (c.bm25 ?? 0) / topBm25 : 0) + this.denseWeight * (c.dense ?? 0);
      return { ...c, score };
    });
    // Ties (e.g. equal BM25) keep a stable, deterministic order by chunk id.
    return scored.sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
  }
}
