import type { GbdtModel, Tree } from '../rank/gbdt.js';
import { scoreGbdt, scoreTree } from '../rank/gbdt.js';

/** One question's candidate list: a feature row per candidate and its relevance label (0 = not an answer). */
export interface RankingQuery {
  rows: Float32Array[];
  labels: number[];
  /** How much this question counts against the others (default 1). */
  weight?: number;
}

export interface LambdaMartOptions {
  trees: number;
  learningRate: number;
  maxDepth: number;
  minLeafRows: number;
  /** L2 regularisation of leaf values. */
  lambda: number;
  bins: number;
  /** Features the trees may not split on (still in every row, so the feature set stays the same). */
  excludeFeatures?: readonly string[];
  /**
   * Continue boosting from this model: rows start from its scores and the result is its
   * trees followed by the new ones (learning from use refines the pack's ranker this way).
   */
  init?: GbdtModel;
  /** Called after each tree with the training NDCG@10 (for a progress line). */
  onTree?: (tree: number, ndcg: number) => void;
}

export const DEFAULT_LAMBDA_MART: LambdaMartOptions = {
  trees: 150,
  learningRate: 0.1,
  maxDepth: 4,
  minLeafRows: 40,
  lambda: 1,
  bins: 48,
};

/** Per-feature bin edges from quantiles of the values (at most `bins` - 1 edges, distinct). */
function binEdges(values: Float32Array, bins: number): Float32Array {
  const sorted = Float32Array.from(values).sort();
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const v = sorted[Math.floor((b / bins) * (sorted.length - 1))];
    if (!edges.length || v > edges[edges.length - 1]) edges.push(v);
  }
  return Float32Array.from(edges);
}

function binOf(edges: Float32Array, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v > edges[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const dcgDiscount = (rank: number) => 1 / Math.log2(rank + 2);

/**
 * LambdaMART (Burges 2010): gradient-boosted regression trees on the pairwise
 * lambdas of NDCG, with Newton leaf values. Written here rather than taken from a
 * library because nothing on npm trains ranking trees, and the ranking stage is
 * our core. Deterministic: the same data gives the same model on any machine.
 */
export function trainLambdaMart(
  queries: readonly RankingQuery[],
  featureNames: readonly string[],
  featureSet: string,
  options: LambdaMartOptions = DEFAULT_LAMBDA_MART,
): GbdtModel {
  const F = featureNames.length;
  const init = options.init;
  if (init && (init.featureSet !== featureSet || init.features.join() !== featureNames.join()))
    throw new Error(`cannot continue a ranker trained on "${init.featureSet}" with "${featureSet}"`);
  const rows: Float32Array[] = [];
  const queryStart: number[] = [];
  const labels: number[] = [];
  for (const q of queries) {
    queryStart.push(rows.length);
    rows.push(...q.rows);
    labels.push(...q.labels);
  }
  queryStart.push(rows.length);
  const N = rows.length;
  const excluded = new Set((options.excludeFeatures ?? []).map((n) => featureNames.indexOf(n)));
  // Column-major bins.
  const edges: Float32Array[] = [];
  const bins: Uint8Array[] = [];
  for (let f = 0; f < F; f++) {
    const col = new Float32Array(N);
    for (let i = 0; i < N; i++) col[i] = rows[i][f];
    const e = binEdges(col, options.bins);
    edges.push(e);
    const b = new Uint8Array(N);
    for (let i = 0; i < N; i++) b[i] = binOf(e, col[i]);
    bins.push(b);
  }
  const scores = new Float64Array(N);
  if (init) for (let i = 0; i < N; i++) scores[i] = scoreGbdt(init, rows[i]);
  const grad = new Float64Array(N);
  const hess = new Float64Array(N);
  const trees: Tree[] = [];
  for (let m = 0; m < options.trees; m++) {
    grad.fill(0);
    hess.fill(0);
    let ndcgSum = 0;
    for (let q = 0; q < queries.length; q++)
      ndcgSum += lambdas(queryStart[q], queryStart[q + 1], queries[q].weight ?? 1);
    const tree = fitTree();
    for (let i = 0; i < N; i++) scores[i] += scoreTree(tree, rows[i]);
    trees.push(tree);
    options.onTree?.(m + 1, ndcgSum / Math.max(queries.length, 1));
  }
  if (init) return { ...init, trees: [...init.trees, ...trees] };
  return { format: 'docqa-gbdt-1', featureSet, features: [...featureNames], baseScore: 0, trees };

  /** Fills grad/hess for one query's rows; returns its NDCG@10 before this tree. */
  function lambdas(a: number, b: number, weight: number): number {
    const n = b - a;
    const order = Array.from({ length: n }, (_, i) => a + i).sort((x, y) => scores[y] - scores[x] || x - y);
    const rank = new Map<number, number>();
    order.forEach((row, r) => rank.set(row, r));
    const ideal = Array.from({ length: n }, (_, i) => labels[a + i]).sort((x, y) => y - x);
    let idcg = 0;
    for (let r = 0; r < Math.min(10, n); r++) idcg += (2 ** ideal[r] - 1) * dcgDiscount(r);
    if (idcg === 0) return 0;
    let dcg = 0;
    for (let r = 0; r < Math.min(10, n); r++) dcg += (2 ** labels[order[r]] - 1) * dcgDiscount(r);
    for (let i = a; i < b; i++) {
      if (labels[i] === 0) continue;
      for (let j = a; j < b; j++) {
        if (labels[j] >= labels[i]) continue;
        const delta =
          (weight *
            Math.abs(
              (2 ** labels[i] - 2 ** labels[j]) * (dcgDiscount(rank.get(i)!) - dcgDiscount(rank.get(j)!)),
            )) /
          idcg;
        const rho = 1 / (1 + Math.exp(scores[i] - scores[j]));
        grad[i] -= rho * delta;
        grad[j] += rho * delta;
        const h = Math.max(rho * (1 - rho) * delta, 1e-9);
        hess[i] += h;
        hess[j] += h;
      }
    }
    return dcg / idcg;
  }

  function fitTree(): Tree {
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    // Nodes are appended breadth-first, so children always come after their parent.
    const queue: { node: number; rows: Uint32Array; depth: number }[] = [];
    const all = new Uint32Array(N);
    for (let i = 0; i < N; i++) all[i] = i;
    const root = addLeaf(all);
    queue.push({ node: root, rows: all, depth: 0 });
    while (queue.length) {
      const { node, rows: idx, depth } = queue.shift()!;
      if (depth >= options.maxDepth || idx.length < 2 * options.minLeafRows) continue;
      const split = bestSplit(idx);
      if (!split) continue;
      const leftRows = idx.filter((i) => bins[split.feature][i] <= split.bin);
      const rightRows = idx.filter((i) => bins[split.feature][i] > split.bin);
      tree.feature[node] = split.feature;
      tree.threshold[node] = edges[split.feature][split.bin];
      tree.left[node] = addLeaf(leftRows);
      tree.right[node] = addLeaf(rightRows);
      tree.value[node] = 0;
      queue.push({ node: tree.left[node], rows: leftRows, depth: depth + 1 });
      queue.push({ node: tree.right[node], rows: rightRows, depth: depth + 1 });
    }
    return tree;

    function addLeaf(idx: Uint32Array): number {
      let g = 0;
      let h = 0;
      for (const i of idx) {
        g += grad[i];
        h += hess[i];
      }
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(0);
      tree.right.push(0);
      tree.value.push((-g / (h + options.lambda)) * options.learningRate);
      return tree.feature.length - 1;
    }
  }

  function bestSplit(idx: Uint32Array): { feature: number; bin: number } | null {
    let G = 0;
    let H = 0;
    for (const i of idx) {
      G += grad[i];
      H += hess[i];
    }
    const parent = (G * G) / (H + options.lambda);
    let best: { feature: number; bin: number; gain: number } | null = null;
    const B = options.bins;
    const hg = new Float64Array(B);
    const hh = new Float64Array(B);
    const hc = new Uint32Array(B);
    for (let f = 0; f < F; f++) {
      if (excluded.has(f)) continue;
      hg.fill(0);
      hh.fill(0);
      hc.fill(0);
      const col = bins[f];
      for (const i of idx) {
        const b = col[i];
        hg[b] += grad[i];
        hh[b] += hess[i];
        hc[b]++;
      }
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let b = 0; b < edges[f].length; b++) {
        gl += hg[b];
        hl += hh[b];
        cl += hc[b];
        const cr = idx.length - cl;
        if (cl < options.minLeafRows || cr < options.minLeafRows) continue;
        const gr = G - gl;
        const hr = H - hl;
        const gain = (gl * gl) / (hl + options.lambda) + (gr * gr) / (hr + options.lambda) - parent;
        if (gain > 1e-9 && (!best || gain > best.gain)) best = { feature: f, bin: b, gain };
      }
    }
    return best;
  }
}
