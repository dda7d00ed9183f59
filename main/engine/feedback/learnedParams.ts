import { z } from 'zod';
import { treeSchema, validateGbdt, type GbdtModel, type Tree } from '../rank/gbdt.js';
import type { FeedbackBoosts } from './boostRanking.js';
import type { MemoryScores } from './feedbackMemory.js';

/** What learning from one user's signals produced for one question tower. */
export interface LearnedParams {
  dim: number;
  /** Residual projection of the question vector (questionAdapter.ts); null: the pack's own tower. */
  adapter: Float32Array | null;
  /** Score fusion's dense weight (BM25 / its best + weight × cosine / its best). */
  denseWeight: number;
  /** How much similar questions' signals move a passage (in units of the best fused score). */
  memoryWeight: number;
  /** Question-vector cosine above which an earlier question counts as similar. */
  memoryThreshold: number;
  /** How much a passage chosen for any other question moves it, when this question recalls it. */
  popularityWeight: number;
  /** How much a match with the other questions a passage was chosen for moves it (its clickthrough field). */
  fieldWeight: number;
  /** Trees boosted on from the pack's ranker by the user's signals (absent: the pack's ranker as shipped). */
  ranker?: RankerRefinement | null;
}

/** Trees that continue the pack's ranker; they apply only over the ranker they were trained from. */
export interface RankerRefinement {
  /** The pack ranker's name (its training record's `name`). */
  base: string;
  trees: Tree[];
}

/**
 * The pack's ranker with a refinement's trees after its own; the pack's as shipped when they
 * were trained from another ranker, or when a tree is damaged (a cycle would never end, and
 * search must not stop for a learned model).
 */
export function refinedModel(model: GbdtModel, refinement: RankerRefinement): GbdtModel {
  if (refinement.base !== rankerName(model)) return model;
  try {
    return validateGbdt({ ...model, trees: [...model.trees, ...refinement.trees] });
  } catch (e) {
    console.error(`DocQA: the learned ranker trees were not used (${(e as Error).message})`);
    return model;
  }
}

/** How a pack's ranker is named in a refinement (its training record's name). */
export const rankerName = (model: GbdtModel): string => String(model.training?.name ?? 'gbdt');

const refinementSchema = z.object({ base: z.string(), trees: z.array(treeSchema) });

/**
 * The same question asked again: a passage the user chose for it goes first and one
 * marked "not this" last (fused scores are put on 0..1 before boosts are added).
 */
export const EXACT_WEIGHT = 2;

/**
 * The boosts a search adds: the same question's votes, similar questions' choices and
 * (for passages it recalls) how often a passage was chosen at all. Passages chosen for
 * this or a similar question may join the list even when recall missed them.
 */
export function memoryBoosts(scores: MemoryScores, params: LearnedParams | null): FeedbackBoosts {
  const fixed = new Map<number, number>();
  for (const [id, v] of scores.exact) fixed.set(id, EXACT_WEIGHT * v);
  const w = params?.memoryWeight ?? 0;
  if (w > 0) for (const [id, v] of scores.similar) fixed.set(id, (fixed.get(id) ?? 0) + w * Math.tanh(v));
  const pop = params?.popularityWeight ?? 0;
  const fw = params?.fieldWeight ?? 0;
  return {
    active: fixed.size > 0 || pop > 0 || fw > 0,
    boost: (id) =>
      (fixed.get(id) ?? 0) +
      (pop > 0 ? pop * Math.tanh(scores.popular(id)) : 0) +
      (fw > 0 ? fw * scores.field(id) : 0),
    join: [...fixed].filter(([, b]) => b > 0).map(([id]) => id),
    chosen: new Set([...scores.exact].filter(([, v]) => v > 0).map(([id]) => id)),
  };
}

const FORMAT = 1;

export function encodeParams(p: LearnedParams): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      format: FORMAT,
      dim: p.dim,
      adapter: p.adapter !== null,
      denseWeight: p.denseWeight,
      memoryWeight: p.memoryWeight,
      memoryThreshold: p.memoryThreshold,
      popularityWeight: p.popularityWeight,
      fieldWeight: p.fieldWeight,
      ...(p.ranker ? { ranker: p.ranker } : {}),
    }),
    'utf8',
  );
  const size = Buffer.alloc(4);
  size.writeUInt32LE(header.length);
  const weights = p.adapter
    ? Buffer.from(p.adapter.buffer, p.adapter.byteOffset, p.adapter.byteLength)
    : null;
  return Buffer.concat(weights ? [size, header, weights] : [size, header]);
}

export function decodeParams(bytes: Buffer): LearnedParams {
  const length = bytes.readUInt32LE(0);
  const h = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as {
    format: number;
    dim: number;
    adapter: boolean;
    denseWeight: number;
    memoryWeight: number;
    memoryThreshold: number;
    popularityWeight?: number;
    fieldWeight?: number;
    ranker?: unknown;
  };
  if (h.format !== FORMAT) throw new Error(`learned model format ${h.format} is not ${FORMAT}`);
  let adapter: Float32Array | null = null;
  if (h.adapter) {
    const raw = bytes.subarray(4 + length);
    if (raw.length !== h.dim * h.dim * 4)
      throw new Error('learned model: adapter size does not match its dim');
    adapter = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
  }
  return {
    dim: h.dim,
    adapter,
    denseWeight: h.denseWeight,
    memoryWeight: h.memoryWeight,
    memoryThreshold: h.memoryThreshold,
    popularityWeight: h.popularityWeight ?? 0,
    fieldWeight: h.fieldWeight ?? 0,
    ranker: h.ranker === undefined ? null : refinementSchema.parse(h.ranker),
  };
}
