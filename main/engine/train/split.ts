import type { Pair } from './pairs.js';
import { Rng } from './rng.js';

/** Questions over a pool of distinct passages; `gold[i]` indexes `passages`. */
export interface RetrievalSet {
  questions: string[];
  passages: string[];
  gold: Int32Array;
}

export interface Split {
  train: Pair[];
  heldout: RetrievalSet;
}

/**
 * Hold out a fraction of the distinct PASSAGES (with every question about them),
 * so held-out recall measures passages the model never saw, not memorised ones.
 * Deterministic for a seed and the input order.
 */
export function splitByPassage(
  pairs: Pair[],
  heldoutFrac: number,
  seed: number,
  maxHeldoutPassages = Infinity,
): Split {
  const byPassage = new Map<string, number>();
  const distinct: string[] = [];
  for (const p of pairs) {
    if (!byPassage.has(p.passage)) {
      byPassage.set(p.passage, distinct.length);
      distinct.push(p.passage);
    }
  }
  const order = new Rng(seed ^ 0x5eed5).shuffle(distinct.map((_, i) => i));
  const wanted = Math.min(maxHeldoutPassages, Math.round(distinct.length * heldoutFrac));
  // Keep at least one passage for training whenever there are two.
  const count = Math.max(0, Math.min(wanted, distinct.length - 1));
  const heldoutSlot = new Int32Array(distinct.length).fill(-1);
  const passages: string[] = [];
  for (const idx of order.slice(0, count).sort((a, b) => a - b)) {
    heldoutSlot[idx] = passages.length;
    passages.push(distinct[idx]!);
  }
  const train: Pair[] = [];
  const questions: string[] = [];
  const gold: number[] = [];
  for (const p of pairs) {
    const slot = heldoutSlot[byPassage.get(p.passage)!]!;
    if (slot < 0) {
      train.push(p);
    } else {
      questions.push(p.question);
      gold.push(slot);
    }
  }
  return { train, heldout: { questions, passages, gold: Int32Array.from(gold) } };
}
