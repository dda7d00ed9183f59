import { describe, expect, it, vi } from 'vitest';
import {
  decodeParams,
  encodeParams,
  rankerName,
  refinedModel,
  type LearnedParams,
} from '../../main/engine/feedback/learnedParams.js';
import type { GbdtModel, Tree } from '../../main/engine/rank/gbdt.js';

const leafSplit = (feature: number, value: number): Tree => ({
  feature: [feature, -1, -1],
  threshold: [0.5, 0, 0],
  left: [1, 0, 0],
  right: [2, 0, 0],
  value: [0, 0, value],
});

const base: GbdtModel = {
  format: 'docqa-gbdt-1',
  featureSet: 'test',
  features: ['a', 'b'],
  baseScore: 0,
  trees: [leafSplit(0, 1)],
  training: { name: 'base-ranker' },
};

const params = (ranker: LearnedParams['ranker']): LearnedParams => ({
  dim: 4,
  adapter: Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0.25 * i)),
  denseWeight: 0.3,
  memoryWeight: 2,
  memoryThreshold: 0.8,
  popularityWeight: 0.1,
  fieldWeight: 0.2,
  ranker,
});

describe('learned model parameters', () => {
  it('round-trip with the ranker trees they carry, and without', () => {
    const withTrees = params({ base: 'base-ranker', trees: [leafSplit(1, -2)] });
    expect(decodeParams(encodeParams(withTrees))).toEqual(withTrees);
    expect(decodeParams(encodeParams(params(null)))).toEqual(params(null));
  });

  it('refuse a stored model whose trees are not trees', () => {
    const bytes = encodeParams(params({ base: 'base-ranker', trees: [leafSplit(1, -2)] }));
    const damaged = Buffer.from(bytes.toString('latin1').replace('"feature"', '"featur_"'), 'latin1');
    expect(() => decodeParams(damaged)).toThrow();
  });

  it('add trees only over the ranker they were trained from, and never a damaged tree', () => {
    expect(rankerName(base)).toBe('base-ranker');
    const refined = refinedModel(base, { base: 'base-ranker', trees: [leafSplit(1, -2)] });
    expect(refined.trees).toHaveLength(2);
    expect(refinedModel(base, { base: 'other', trees: [leafSplit(1, -2)] })).toBe(base);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const cycle: Tree = { ...leafSplit(1, -2), left: [0, 0, 0] };
      expect(refinedModel(base, { base: 'base-ranker', trees: [cycle] })).toBe(base);
      expect(refinedModel(base, { base: 'base-ranker', trees: [leafSplit(7, 1)] })).toBe(base);
    } finally {
      quiet.mockRestore();
    }
  });
});
